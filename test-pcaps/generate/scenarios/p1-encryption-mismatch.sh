# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: responder accepts only AES-256, initiator offers AES-128"
MISCONFIG="phase-1 encryption (left aes128, right aes256)"
R_IKE_PROP=aes256-sha256-modp2048
