# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: responder sends ID 198.51.100.2 in MM#6, initiator expects right.ikediag.test and rejects it"
MISCONFIG="phase-1 identity expected by the initiator (left remote id right.ikediag.test, right local id 198.51.100.2)"
L_REMOTE_ID=right.ikediag.test
L_SECRET_IDS="198.51.100.1 right.ikediag.test 198.51.100.2"
