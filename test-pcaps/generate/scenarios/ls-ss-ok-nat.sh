# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode through a real source NAT (nftables masquerade): libreswan initiator behind the NAT, strongSwan responder (kernel-netlink + shim): NAT-D detects the NAT, float to 4500, no ESP"
MISCONFIG="none"
TOPO=nat
L_IMPL=libreswan
R_KERNEL=netlink R_KEEPALIVE=0s
