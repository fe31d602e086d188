# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: ESP proposal mismatch: the strongSwan initiator (kernel-netlink + shim) offers ESP AES-128, the libreswan responder accepts only AES-256"
MISCONFIG="ESP encryption: initiator aes128, responder aes256"
L_VERSION=2 R_VERSION=2
L_KERNEL=netlink
R_IMPL=libreswan
R_LS_ESP=aes256-sha2_256
