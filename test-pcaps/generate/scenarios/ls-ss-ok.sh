# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode: libreswan 4.10 initiator (shim) to a strongSwan responder (kernel-netlink + shim): no NAT, MM#5 on UDP 500, no ESP"
MISCONFIG="none"
L_IMPL=libreswan
R_KERNEL=netlink
