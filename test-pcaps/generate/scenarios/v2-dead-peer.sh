# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: tunnel up with DPD (left dpd_delay 2s), then the right daemon is killed: left's liveness INFORMATIONALs are resent and go unanswered"
L_VERSION=2 R_VERSION=2
L_DPD_DELAY=2s
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && ping_tunnel 2
    sleep 4.5                 # two answered liveness checks
    stop_charon R             # SIGKILL: nothing sent on the wire
    wait_quiet 4 40
}
