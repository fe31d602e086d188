# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: responder accepts only SHA-1, initiator offers SHA-256"
MISCONFIG="phase-1 hash (left sha256, right sha1)"
R_IKE_PROP=aes128-sha1-modp2048
