# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: tunnel up with DPD (left dpd_delay 2s), then the responder daemon restarts and loses its state: left's liveness INFORMATIONAL arrives for an unknown IKE SA"
MISCONFIG="none (responder restarted)"
L_VERSION=2 R_VERSION=2
L_DPD_DELAY=2s
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    sleep 2.5                 # one answered liveness check
    stop_charon R             # SIGKILL, then a fresh daemon without the SA
    start_charon R
    wait_quiet 4 30
}
