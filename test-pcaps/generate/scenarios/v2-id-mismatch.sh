# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the initiator sends IDi left.ikediag.test, the strongSwan responder's only connection expects 198.51.100.1: no peer config, encrypted AUTHENTICATION_FAILED in the IKE_AUTH response"
MISCONFIG="initiator identity: left sends left.ikediag.test, right expects 198.51.100.1"
L_VERSION=2 R_VERSION=2
L_LOCAL_ID=left.ikediag.test
L_SECRET_IDS="left.ikediag.test 198.51.100.2"
R_SECRET_IDS="198.51.100.2 198.51.100.1 left.ikediag.test"
