# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode with DPD on the initiator (left dpd_delay 3s, dpd_timeout 20s), 2 pings answered through the tunnel, then the responder's daemon is restarted (SIGKILL, started again, nothing initiated from it) while the initiator keeps sending 11 pings over about 13 s on the old SPIs: the restarted responder has no SA for them and drops that ESP silently"
MISCONFIG="none (the responder restarted and lost its SAs; the initiator still sends on the old SPI)"
L_DPD_DELAY=3s
# lib.sh writes dpd_timeout = 6s; a second dpd_timeout later in the same section wins
# (swanctl's parser keeps the last value): 20 s, so the pings on the stale SPI run ~15 s
L_CONN_EXTRA="        dpd_timeout = 20s"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    if child_up L net; then
        sleep 0.5
        ping_tunnel 1; sleep 0.6; ping_tunnel 1          # about 2 s of ESP both ways
        stop_charon R
        # charon's filelog truncates (append = no): keep the first daemon's log
        mv "$WORK/right/charon.log" "$WORK/right/charon.log.first"
        log "right daemon killed, starting it again (no initiation from it)"
        start_charon R
        ping_tunnel 11                                   # about 15 s: 1 s timeout + 0.3 s each
        log "pings: $(tr '\n' ' ' <"$WORK/ping.out")"
    fi
    wait_quiet $TAIL 25
    # one right log: the first daemon's, a marker, the restarted daemon's
    if [ -f "$WORK/right/charon.log.first" ]; then
        mv "$WORK/right/charon.log" "$WORK/right/charon.log.second"
        { cat "$WORK/right/charon.log.first"
          echo "# ---- right daemon killed (SIGKILL) and started again here: the lines below are the new daemon's ----"
          cat "$WORK/right/charon.log.second"; } > "$WORK/right/charon.log"
    fi
}
