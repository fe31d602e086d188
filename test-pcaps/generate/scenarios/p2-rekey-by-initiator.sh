# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode, then the initiator rekeys the child SA on its own timer (left child rekey_time 5s): new Quick Modes at 5 s and 10 s"
L_CHILD_REKEY=5s
# with kernel-libipsec the default life_time (rekey_time + 10%) expired the SA instead of rekeying it
L_CHILD_EXTRA="                life_time = 30s
                rand_time = 0s"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && { sleep 0.5; ping_tunnel 2; }
    sleep 6.5
    ping_tunnel 2
    wait_quiet $TAIL 15
}
