# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: libreswan initiator offers AES-128, the strongSwan responder (kernel-netlink + shim) accepts only AES-256 and answers NO-PROPOSAL-CHOSEN in clear; libreswan ignores the notify and resends MM#1"
MISCONFIG="phase-1 encryption (left aes128, right aes256)"
L_IMPL=libreswan
R_KERNEL=netlink
R_IKE_PROP=aes256-sha256-modp2048
