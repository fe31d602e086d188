# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode: strongSwan initiator (kernel-netlink + shim) to a libreswan 4.10 responder (shim): no NAT, MM#5 on UDP 500, no ESP"
MISCONFIG="none"
L_KERNEL=netlink
R_IMPL=libreswan
