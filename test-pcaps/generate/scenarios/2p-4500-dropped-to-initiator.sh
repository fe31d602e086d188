# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points: the router drops UDP 4500 from the responder to the initiator: MM#5 (floated to 4500: the strongSwan initiator's kernel-libipsec fakes NAT-D) reaches the libreswan responder, whose MM#6 never reaches the initiator"
MISCONFIG="UDP 4500 responder -> initiator dropped on the router (nftables forward)"
TOPO=routed
R_IMPL=libreswan
ROUTER_RULES="        ip daddr 198.51.100.1 udp sport 4500 drop"
