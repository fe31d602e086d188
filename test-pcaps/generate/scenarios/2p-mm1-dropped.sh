# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points: the router drops all UDP 500 from the initiator to the responder: the libreswan initiator resends MM#1 at 1, 2, 4, 8 s, the strongSwan responder (kernel-netlink + shim) sees nothing; vright's interface is in the merged file without a frame"
MISCONFIG="UDP 500 initiator -> responder dropped on the router (nftables forward)"
TOPO=routed
L_IMPL=libreswan
R_KERNEL=netlink
ROUTER_RULES="        ip daddr 203.0.113.2 udp dport 500 drop"
