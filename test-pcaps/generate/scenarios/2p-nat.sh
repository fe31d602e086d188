# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points through a real source NAT with a port change (router masquerade to 203.0.113.254:40000-50000): Main Mode + Quick Mode + ESP in UDP, nothing misconfigured (strongSwan both sides); the initiator's point shows 198.51.100.1:500/4500, the responder's 203.0.113.254 and other ports"
TOPO=routed
ROUTER_NAT=masquerade
