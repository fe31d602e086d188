# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode through a plain router (routed topology, captured at the initiator's vleft only), then the router drops UDP 4500 from the responder to the initiator: 8 pings over about 13 s leave in ESP, the responder's ESP answers never reach the initiator"
MISCONFIG="UDP 4500 responder -> initiator dropped on the router (nftables forward), added after the tunnel came up"
TOPO=routed
CAPTURE=right
prepare() {   # one capture point, at the initiator's end (vleft) instead of vright
    CAP_NS=$NS_L CAP_DEV=vleft
}
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    if child_up L net; then
        nx $NS_N nft add rule ip ikediag_router forward ip saddr 203.0.113.2 ip daddr 198.51.100.1 udp sport 4500 drop
        sleep 0.5
        for _ in 1 2 3 4 5 6 7 8; do ping_tunnel 1; sleep 0.4; done
    fi
    wait_quiet $TAIL 20
}
