# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2 through a real source NAT (nftables masquerade): NAT-D detects it, IKE_AUTH and ESP on UDP 4500, nothing misconfigured"
TOPO=nat
L_VERSION=2 R_VERSION=2
