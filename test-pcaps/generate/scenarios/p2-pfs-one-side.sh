# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: initiator requires PFS (group 14), responder has no PFS"
MISCONFIG="PFS on the initiator only (left esp aes128-sha256-modp2048, right aes128-sha256)"
L_ESP_PROP=aes128-sha256-modp2048
