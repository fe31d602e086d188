# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode, pre-shared keys differ: libreswan initiator resends MM#5, the strongSwan responder (kernel-netlink + shim) answers each copy with an encrypted Informational"
MISCONFIG="pre-shared key differs (right)"
L_IMPL=libreswan
R_KERNEL=netlink
R_PSK="ikediag-other-psk-9876543210"
