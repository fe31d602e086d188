# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: pre-shared keys differ: strongSwan initiator (kernel-netlink + shim), libreswan responder"
MISCONFIG="PSK differs (responder has another secret)"
L_VERSION=2 R_VERSION=2
L_KERNEL=netlink
R_IMPL=libreswan
R_PSK="ikediag-wrong-psk-9876543210"
