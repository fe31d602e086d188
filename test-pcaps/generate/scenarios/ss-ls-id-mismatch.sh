# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: strongSwan initiator (kernel-netlink + shim) sends ID left.ikediag.test, the libreswan responder expects 198.51.100.1 (PSK matches) and refuses MM#5 with an encrypted INVALID-ID-INFORMATION"
MISCONFIG="phase-1 identity (left local id left.ikediag.test, right remote id 198.51.100.1)"
L_KERNEL=netlink
L_LOCAL_ID=left.ikediag.test
L_SECRET_IDS="198.51.100.1 198.51.100.2 left.ikediag.test"
R_IMPL=libreswan
