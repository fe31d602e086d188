# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points, IKEv2: IKE_SA_INIT + IKE_AUTH (PSK, child SA in IKE_AUTH) + ESP through a plain router, nothing misconfigured (strongSwan both sides)"
TOPO=routed
L_VERSION=2 R_VERSION=2
