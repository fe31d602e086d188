# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode (no DPD), 2 pings answered through the tunnel, then the responder's daemon is restarted (SIGKILL, started again) while the initiator keeps pinging on the old SPIs; about 12 s later the restarted responder initiates a new Main Mode + Quick Mode itself (swanctl --initiate, INITIAL-CONTACT in its MM#5) while the initiator's pings still go out on the old SPI"
MISCONFIG="none (the responder restarted and lost its SAs; the initiator still sends on the old SPI until the restarted side's new IKE SA replaces it)"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    if child_up L net; then
        sleep 0.5
        ping_tunnel 1; sleep 0.6; ping_tunnel 1          # about 2 s of ESP both ways
        stop_charon R
        # charon's filelog truncates (append = no): keep the first daemon's log
        mv "$WORK/right/charon.log" "$WORK/right/charon.log.first"
        log "right daemon killed, starting it again"
        start_charon R
        ping_tunnel 8                 # about 10.5 s on the old SPI: 1 s timeout + 0.3 s each
        # then left pings every ~20 ms (until 2 replies come back through the new child) and,
        # once that runs, the restarted right initiates: some of left's ESP on the old SPI falls
        # between the new Main Mode's first message and its MM#5 (INITIAL-CONTACT: left then
        # destroys the old SAs)
        : >"$WORK/fast-ping.out"
        nx $NS_L python3 -u "$GEN_DIR/ping.py" 192.0.2.1 192.0.2.129 200 0.02 0 2 >"$WORK/fast-ping.out" 2>&1 &
        local fast=$!
        for _ in $(seq 50); do [ -s "$WORK/fast-ping.out" ] && break; sleep 0.05; done
        log "right initiates"
        initiate R net; wait "$INIT_PID"
        wait "$fast"
        log "fast pings: $(sort "$WORK/fast-ping.out" | awk '{print $1}' | uniq -c | tr '\n' ' ')"
        sleep 0.5; ping_tunnel 2                         # on the new child
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
