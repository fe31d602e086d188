# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: the libreswan responder's only connection is for another peer (198.51.100.77): it stays silent, the strongSwan initiator (kernel-netlink + shim) resends MM#1 and gives up"
MISCONFIG="responder's connection is for peer 198.51.100.77"
L_KERNEL=netlink
R_IMPL=libreswan
R_REMOTE_ADDRS=198.51.100.77 R_REMOTE_ID=198.51.100.77
