# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode, both strongSwan with the kernel-netlink backend and the XFRM shim: honest NAT-D (no NAT), MM#5 on UDP 500, no ESP"
MISCONFIG="none"
L_KERNEL=netlink R_KERNEL=netlink
