# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: left's MM#1 (sent once, retransmit_tries 0) is dropped by right's firewall; the drop is then removed and about 15 s later left tries again (new initiator cookie): that second IKE SA completes Main Mode + Quick Mode + ESP"
MISCONFIG="UDP 500 filtered at the responder (nftables input drop, right namespace) during the first attempt only"
L_CHARON_EXTRA="    retransmit_tries = 0"
prepare() {
    nx $NS_R nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp dport 500 drop
    }
}
NFT
}
scenario_flow() {
    start_charon L; start_charon R
    initiate L net 5; wait "$INIT_PID"        # MM#1 once, given up after 1 s
    nx $NS_R nft delete table ip ikediag_filter
    sleep 14
    initiate L net 20; wait "$INIT_PID"       # a fresh attempt, new cookie
    child_up L net && { sleep 0.5; ping_tunnel; }
    wait_quiet $TAIL 30
}
