# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the libreswan responder expects the initiator's subnet to be 192.0.2.16/28, the strongSwan initiator (kernel-netlink + shim) proposes 192.0.2.0/28"
MISCONFIG="traffic selectors: right's rightsubnet 192.0.2.16/28, left's local_ts 192.0.2.0/28"
L_VERSION=2 R_VERSION=2
L_KERNEL=netlink
R_IMPL=libreswan
R_TS_REMOTE=192.0.2.16/28
