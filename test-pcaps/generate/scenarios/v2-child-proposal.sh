# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: ESP proposal mismatch: the initiator offers ESP AES-128, the responder accepts only AES-256: IKE SA established, child refused with NO_PROPOSAL_CHOSEN in the IKE_AUTH response"
MISCONFIG="ESP encryption: initiator aes128, responder aes256"
L_VERSION=2 R_VERSION=2
R_ESP_PROP=aes256-sha256
