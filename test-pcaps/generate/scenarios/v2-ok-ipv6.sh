# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2 over IPv6 (2001:db8:1::1 -> 2001:db8:1::2), IPv4 subnets inside, ESP: nothing misconfigured"
TOPO=ipv6
L_VERSION=2 R_VERSION=2
