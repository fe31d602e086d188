# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: no daemon on the responder: each IKE_SA_INIT is answered by an ICMP port unreachable; the strongSwan initiator resends and gives up"
MISCONFIG="responder daemon not running"
L_VERSION=2 R_VERSION=2
R_RUN=no
