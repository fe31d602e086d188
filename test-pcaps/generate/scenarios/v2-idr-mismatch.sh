# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the initiator sends IDr right.ikediag.test, the strongSwan responder's only connection has local id 198.51.100.2 (PSK matches): no matching peer config, encrypted AUTHENTICATION_FAILED in the IKE_AUTH response"
MISCONFIG="responder identity: left expects (and sends as IDr) right.ikediag.test, right uses 198.51.100.2"
L_VERSION=2 R_VERSION=2
L_REMOTE_ID=right.ikediag.test
L_SECRET_IDS="198.51.100.1 right.ikediag.test 198.51.100.2"
