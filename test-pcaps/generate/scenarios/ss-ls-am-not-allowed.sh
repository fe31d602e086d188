# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Aggressive Mode: strongSwan initiator (kernel-netlink + shim), the libreswan responder has only a Main Mode connection for it"
MISCONFIG="responder's connection has aggressive=no"
L_KERNEL=netlink L_AGGRESSIVE=yes L_AGGR_PSK_OK=yes
R_IMPL=libreswan R_AGGRESSIVE=no
