# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: pre-shared keys differ: libreswan initiator, the strongSwan responder (kernel-netlink + shim) answers IKE_AUTH with an encrypted AUTHENTICATION_FAILED"
MISCONFIG="PSK differs (responder has another secret)"
L_VERSION=2 R_VERSION=2
L_IMPL=libreswan
R_KERNEL=netlink
R_PSK="ikediag-wrong-psk-9876543210"
