# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Aggressive Mode: libreswan initiator, the strongSwan responder (kernel-netlink + shim, default) refuses aggressive mode with PSK by AUTHENTICATION-FAILED in clear"
MISCONFIG="responder refuses aggressive mode with PSK (strongSwan default)"
L_IMPL=libreswan L_AGGRESSIVE=yes
R_KERNEL=netlink R_AGGRESSIVE=yes R_AGGR_PSK_OK=no
