# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: libreswan initiator offers ESP AES-128, the strongSwan responder (kernel-netlink + shim) accepts only AES-256 and answers NO-PROPOSAL-CHOSEN encrypted; libreswan resends QM#1"
MISCONFIG="phase-2 ESP encryption (left aes128, right aes256)"
L_IMPL=libreswan
R_KERNEL=netlink
R_ESP_PROP=aes256-sha256
