# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points: pre-shared keys differ (an endpoint fault): the libreswan initiator's MM#5 reaches the strongSwan responder (kernel-netlink + shim), which cannot verify it and answers each copy with an encrypted Informational"
MISCONFIG="pre-shared key differs (right)"
TOPO=routed
L_IMPL=libreswan
R_KERNEL=netlink
R_PSK="ikediag-other-psk-9876543210"
