# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the libreswan responder runs in DDoS mode (ddos-mode=busy) and answers the first IKE_SA_INIT with a COOKIE notify; the strongSwan initiator (kernel-netlink + shim) repeats IKE_SA_INIT (same SPIi) with the cookie and the exchange completes"
MISCONFIG="none (responder demands a cookie)"
L_VERSION=2 R_VERSION=2
L_KERNEL=netlink
R_IMPL=libreswan
R_LS_SETUP="    ddos-mode=busy"
