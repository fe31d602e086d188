# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points: phase-2 proposal mismatch (an endpoint fault, nothing lost on the path): the strongSwan responder accepts only ESP AES-256, the strongSwan initiator offers AES-128; QM#1 is refused with an encrypted NO-PROPOSAL-CHOSEN"
MISCONFIG="phase-2 ESP encryption (left aes128, right aes256)"
TOPO=routed
R_ESP_PROP=aes256-sha256
