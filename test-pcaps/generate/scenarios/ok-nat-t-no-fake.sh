# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode through a real source NAT (nftables masquerade), both strongSwan with kernel-netlink and the XFRM shim: NAT-D detects the NAT honestly (only the initiator's own hash differs), float to 4500, no ESP"
MISCONFIG="none"
TOPO=nat
L_KERNEL=netlink R_KERNEL=netlink
L_KEEPALIVE=0s R_KEEPALIVE=0s
