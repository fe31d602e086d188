# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: initiator sends ID left.ikediag.test, responder expects 198.51.100.1 (PSK matches, so MM#5 decrypts)"
MISCONFIG="phase-1 identity (left local id left.ikediag.test, right remote id 198.51.100.1)"
L_LOCAL_ID=left.ikediag.test
L_SECRET_IDS="198.51.100.1 198.51.100.2 left.ikediag.test"
