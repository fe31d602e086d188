# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Tunnel up with DPD (left dpd_delay 2s, dpd_timeout 6s), then the right daemon is killed: left's R-U-THERE go unanswered"
L_DPD_DELAY=2s
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && ping_tunnel 2
    sleep 4.5                 # two answered DPD rounds
    stop_charon R             # SIGKILL: nothing sent on the wire
    wait_quiet 4 40
}
