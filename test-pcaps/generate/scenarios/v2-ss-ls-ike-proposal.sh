# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: IKE proposal mismatch: the strongSwan initiator (kernel-netlink + shim) offers MODP-2048, the libreswan responder accepts only MODP-3072 (same cipher) and answers IKE_SA_INIT with NO_PROPOSAL_CHOSEN in clear"
MISCONFIG="IKE DH group: initiator modp2048 only, responder modp3072 only"
L_VERSION=2 R_VERSION=2
L_KERNEL=netlink
R_IMPL=libreswan
R_LS_IKE='aes128-sha2_256;modp3072'
