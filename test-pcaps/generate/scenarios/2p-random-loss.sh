# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points: the router drops about a quarter of all ISAKMP packets at random in both directions (nftables numgen random, no seed: each run differs); the negotiation completes thanks to resends (strongSwan both sides)"
MISCONFIG="random loss of ISAKMP on the router (25 %, UDP 500 and non-ESP UDP 4500, both directions)"
TOPO=routed
ROUTER_RULES="        udp dport 500 numgen random mod 100 < 25 drop
        udp dport 4500 @th,64,32 0 numgen random mod 100 < 25 drop"
