# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points: the router drops UDP 4500 from the initiator to the responder: MM#1-MM#4 pass on UDP 500, MM#5 (floated to 4500: kernel-libipsec fakes NAT-D) never reaches the responder; the strongSwan initiator resends it and gives up (strongSwan both sides)"
MISCONFIG="UDP 4500 initiator -> responder dropped on the router (nftables forward)"
TOPO=routed
ROUTER_RULES="        ip daddr 203.0.113.2 udp dport 4500 drop"
