# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: tunnel up, then the initiator rekeys the child SA on its own timer (left child rekey_time 5s): CREATE_CHILD_SA, then an INFORMATIONAL deleting the old child SA"
L_VERSION=2 R_VERSION=2
L_CHILD_REKEY=5s
L_CHILD_EXTRA="                life_time = 30s
                rand_time = 0s"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && { sleep 0.5; ping_tunnel 2; }
    sleep 6
    ping_tunnel 2
    wait_quiet $TAIL 15
}
