# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: the libreswan responder requires PFS (pfs=yes, modp2048), the strongSwan initiator (kernel-netlink + shim) offers none and gets an encrypted NO-PROPOSAL-CHOSEN"
MISCONFIG="PFS on the responder only (right pfs=yes, phase2alg aes128-sha2_256;modp2048)"
L_KERNEL=netlink
R_IMPL=libreswan
R_LS_ESP='aes128-sha2_256;modp2048'
R_LS_PFS=yes
