# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: the libreswan responder expects the initiator's subnet to be 192.0.2.16/28 and refuses the strongSwan initiator's (kernel-netlink + shim) QM#1 with an encrypted INVALID-ID-INFORMATION"
MISCONFIG="traffic selectors / proxy IDs (right rightsubnet 192.0.2.16/28)"
L_KERNEL=netlink
R_IMPL=libreswan
R_TS_REMOTE=192.0.2.16/28
