# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points: the router drops QM#3 (the initiator's short Quick Mode message): the libreswan responder resends QM#2 and the strongSwan initiator (kernel-netlink + shim) answers each copy with its QM#3 again, which the router drops too"
MISCONFIG="QM#3 dropped on the router (UDP to the responder, exchange type 32, ISAKMP length under 100: QM#1 is much larger)"
TOPO=routed
L_KERNEL=netlink
R_IMPL=libreswan
# exchange type = byte 26 of the UDP datagram (8 UDP + 18 ISAKMP), ISAKMP length = bytes 32-35
# (on UDP 4500 both 4 bytes further on, after the non-ESP marker)
ROUTER_RULES="        ip daddr 203.0.113.2 udp dport 500 @th,208,8 32 @th,256,32 < 100 drop
        ip daddr 203.0.113.2 udp dport 4500 @th,64,32 0 @th,240,8 32 @th,288,32 < 100 drop"
# libreswan resends QM#2 at 1, 2, 4 s (next at 8 s); at about 7 s strongSwan closes its
# child SA (the shim's larval inbound SA expires, see README) and sends Deletes: stop the
# capture before that (as ss-ls-qm3-lost).
scenario_flow() {
    start_daemon L; start_daemon R
    initiate_any L 30
    sleep 6.5
}
