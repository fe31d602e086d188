# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the strongSwan initiator (kernel-netlink + shim) offers MODP-2048 and MODP-3072 and sends its KE for MODP-2048, the libreswan responder accepts only MODP-3072: INVALID_KE_PAYLOAD, then a new IKE_SA_INIT (same SPIi) with a MODP-3072 KE"
MISCONFIG="none (DH group preference differs; negotiated by INVALID_KE_PAYLOAD)"
L_VERSION=2 R_VERSION=2
L_KERNEL=netlink
R_IMPL=libreswan
L_IKE_PROP=aes128-sha256-modp2048-modp3072
R_LS_IKE='aes128-sha2_256;modp3072'
