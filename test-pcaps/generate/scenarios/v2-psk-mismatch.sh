# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: pre-shared keys differ: the strongSwan responder answers IKE_AUTH with an encrypted AUTHENTICATION_FAILED"
MISCONFIG="PSK differs (responder has another secret)"
L_VERSION=2 R_VERSION=2
R_PSK="ikediag-wrong-psk-9876543210"
