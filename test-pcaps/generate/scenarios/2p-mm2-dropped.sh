# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points: the router drops UDP 500 from the responder to the initiator: every MM#2 is lost on the way back; the strongSwan initiator resends MM#1, the strongSwan responder answers each copy with its MM#2 again"
MISCONFIG="UDP 500 responder -> initiator dropped on the router (nftables forward)"
TOPO=routed
ROUTER_RULES="        ip daddr 198.51.100.1 udp sport 500 drop"
