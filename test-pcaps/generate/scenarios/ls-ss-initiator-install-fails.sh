# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: the libreswan initiator runs without the XFRM shim, so the kernel refuses its ESP SA after QM#2: it sends no QM#3 and keeps resending QM#1; the strongSwan responder (kernel-netlink + shim) answers each copy with QM#2 and resends QM#2 on its timer"
MISCONFIG="initiator cannot install IPsec SAs (no ESP in its kernel, no shim)"
L_IMPL=libreswan L_SHIM=no
R_KERNEL=netlink
