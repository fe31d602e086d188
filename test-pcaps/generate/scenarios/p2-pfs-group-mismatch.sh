# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: both sides use PFS, initiator group 14 (modp2048), responder group 15 (modp3072)"
MISCONFIG="PFS DH group (left modp2048, right modp3072)"
L_ESP_PROP=aes128-sha256-modp2048
R_ESP_PROP=aes128-sha256-modp3072
