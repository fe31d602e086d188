# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: IKE proposal mismatch: the libreswan initiator offers AES-128, the strongSwan responder (kernel-netlink + shim) accepts only AES-256 and answers IKE_SA_INIT with NO_PROPOSAL_CHOSEN in clear"
MISCONFIG="IKE encryption: initiator aes128, responder aes256"
L_VERSION=2 R_VERSION=2
L_IMPL=libreswan
R_KERNEL=netlink
R_IKE_PROP=aes256-sha256-modp2048
