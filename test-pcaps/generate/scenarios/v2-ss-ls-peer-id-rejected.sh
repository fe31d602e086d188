# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the strongSwan initiator (kernel-netlink + shim) expects (and sends as IDr) right.ikediag.test, the libreswan responder uses 198.51.100.2 (PSK matches)"
MISCONFIG="responder identity: left expects right.ikediag.test, right uses 198.51.100.2"
L_VERSION=2 R_VERSION=2
L_KERNEL=netlink
R_IMPL=libreswan
L_REMOTE_ID=right.ikediag.test
L_SECRET_IDS="198.51.100.1 right.ikediag.test 198.51.100.2"
