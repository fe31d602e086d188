# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode, then the responder loses its route back into the tunnel (ip route flush table 220, where kernel-libipsec installs it, in right's namespace): 8 pings 192.0.2.1 -> 192.0.2.129 over about 13 s reach the responder in ESP, no ESP comes back"
MISCONFIG="responder has no return route into the tunnel (libipsec's table 220 flushed after the child SA came up)"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    if child_up L net; then
        nx $NS_R ip route show table 220 >"$WORK/table220.before" 2>&1
        nx $NS_R ip route flush table 220
        log "right table 220 before the flush: $(tr '\n' ' ' <"$WORK/table220.before")"
        sleep 0.5
        for _ in 1 2 3 4 5 6 7 8; do ping_tunnel 1; sleep 0.4; done
    fi
    wait_quiet $TAIL 20
}
