# SPDX-License-Identifier: GPL-2.0-or-later
DESC="One Main Mode, two Quick Modes (child net 192.0.2.0/28 <-> 192.0.2.128/28, child net2 192.0.2.16/28 <-> 192.0.2.144/28) under the same IKE SA, then pings through both children: 3 pings 192.0.2.1 -> 192.0.2.129 and 3 pings 192.0.2.17 -> 192.0.2.145, each answered, so both children carry ESP both ways"
L_EXTRA_CHILDREN="            net2 {
                local_ts = 192.0.2.16/28
                remote_ts = 192.0.2.144/28
                esp_proposals = aes128-sha256
            }"
R_EXTRA_CHILDREN="            net2 {
                local_ts = 192.0.2.144/28
                remote_ts = 192.0.2.16/28
                esp_proposals = aes128-sha256
            }"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    sleep 0.5
    initiate L net2; wait "$INIT_PID"    # reuses the established IKE SA
    if child_up L net && child_up L net2; then
        sleep 0.5
        ping_tunnel 3                                   # child net
        nx $NS_L python3 "$GEN_DIR/ping.py" 192.0.2.17 192.0.2.145 3 >>"$WORK/ping.out" 2>&1 ||
            log "ping through net2 failed"              # child net2
        log "pings: $(tr '\n' ' ' <"$WORK/ping.out")"
    fi
    wait_quiet $TAIL 30
}
prepare() {   # libipsec routes need a local address inside each local subnet
    nx $NS_L ip addr add 192.0.2.17/32 dev lo
    nx $NS_R ip addr add 192.0.2.145/32 dev lo
}
