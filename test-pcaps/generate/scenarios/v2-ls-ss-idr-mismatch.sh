# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the libreswan initiator expects (and sends as IDr) right.ikediag.test, the strongSwan responder (kernel-netlink + shim) has local id 198.51.100.2 (PSK matches): no matching peer config, encrypted AUTHENTICATION_FAILED; libreswan deletes its state without a notification"
MISCONFIG="responder identity: left expects right.ikediag.test, right uses 198.51.100.2"
L_VERSION=2 R_VERSION=2
L_IMPL=libreswan
R_KERNEL=netlink
L_REMOTE_ID=right.ikediag.test
L_SECRET_IDS="198.51.100.1 right.ikediag.test 198.51.100.2"
