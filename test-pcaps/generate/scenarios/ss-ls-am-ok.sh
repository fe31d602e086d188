# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Aggressive Mode + Quick Mode: strongSwan initiator (kernel-netlink + shim) to a libreswan responder with aggressive=yes: no NAT, no ESP"
MISCONFIG="none"
L_KERNEL=netlink L_AGGRESSIVE=yes L_AGGR_PSK_OK=yes
R_IMPL=libreswan R_AGGRESSIVE=yes
