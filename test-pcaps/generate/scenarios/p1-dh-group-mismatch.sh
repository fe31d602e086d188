# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: responder accepts only DH group 15 (modp3072), initiator offers group 14 (modp2048)"
MISCONFIG="phase-1 DH group (left modp2048, right modp3072)"
R_IKE_PROP=aes128-sha256-modp3072
