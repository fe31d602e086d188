# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode, then the IKE SA reaches its rekey time (left rekey_time 6s): a new Main Mode (on UDP 4500) and a Delete for the old ISAKMP SA, child SA kept"
L_IKE_REKEY=6s
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && { sleep 0.5; ping_tunnel 2; }
    sleep 7.5            # the rekey happens at 5.4-6 s; stop before the next one
}
