# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: tunnel up with DPD (left dpd_delay 2s), no traffic afterwards: empty INFORMATIONAL request/response pairs (liveness checks) every 2 s"
L_VERSION=2 R_VERSION=2
L_DPD_DELAY=2s
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && ping_tunnel 2
    sleep 7
}
