# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode + ESP between IPv6 peers (2001:db8:1::1 and ::2), IPv4 subnets inside"
TOPO=ipv6
