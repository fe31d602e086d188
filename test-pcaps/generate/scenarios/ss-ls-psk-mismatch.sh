# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode, pre-shared keys differ: strongSwan initiator (kernel-netlink + shim) resends MM#5, the libreswan responder stays silent and resends MM#4 on its own timer"
MISCONFIG="pre-shared key differs (right)"
L_KERNEL=netlink
R_IMPL=libreswan
R_PSK="ikediag-other-psk-9876543210"
