# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode + ESP both ways: 10 pings 192.0.2.1 -> 192.0.2.129 over about 12 s, each answered, nothing misconfigured"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    if child_up L net; then
        sleep 0.5
        for _ in 1 2 3 4 5 6 7 8 9 10; do ping_tunnel 1; sleep 0.9; done
    fi
    wait_quiet $TAIL 20
}
