# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Phase-1 proposals incompatible in both directions: left initiates and is refused, then right initiates with its own proposal and is refused"
MISCONFIG="phase-1 encryption (left aes128, right aes256)"
R_IKE_PROP=aes256-sha256-modp2048
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    sleep 1
    initiate R net; wait "$INIT_PID"
    wait_quiet $TAIL 30
}
