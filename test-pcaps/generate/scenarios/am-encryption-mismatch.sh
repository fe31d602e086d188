# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Aggressive Mode: both strongSwan (kernel-netlink + shim), aggressive PSK allowed, responder accepts only AES-256, initiator offers AES-128"
MISCONFIG="phase-1 encryption (left aes128, right aes256), aggressive mode"
L_KERNEL=netlink R_KERNEL=netlink
L_AGGRESSIVE=yes R_AGGRESSIVE=yes L_AGGR_PSK_OK=yes R_AGGR_PSK_OK=yes
R_IKE_PROP=aes256-sha256-modp2048
