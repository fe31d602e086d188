# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the initiator requires the responder to authenticate with a public key (remote auth = pubkey), the strongSwan responder accepts the initiator's PSK AUTH and answers with a PSK AUTH: the initiator rejects the IKE_AUTH response"
MISCONFIG="responder auth method: left's remote auth = pubkey, right authenticates with psk"
L_VERSION=2 R_VERSION=2
L_REMOTE_AUTH=pubkey
