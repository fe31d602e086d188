# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: strongSwan initiator (kernel-netlink + shim) offers AES-128, the libreswan responder accepts only AES-256 and answers NO-PROPOSAL-CHOSEN in clear (responder cookie zero)"
MISCONFIG="phase-1 encryption (left aes128, right aes256)"
L_KERNEL=netlink
R_IMPL=libreswan
R_LS_IKE='aes256-sha2_256;modp2048'
