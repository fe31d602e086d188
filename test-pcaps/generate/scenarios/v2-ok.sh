# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: IKE_SA_INIT + IKE_AUTH (PSK, child SA in IKE_AUTH) + ESP, nothing misconfigured (strongSwan both sides)"
L_VERSION=2 R_VERSION=2
