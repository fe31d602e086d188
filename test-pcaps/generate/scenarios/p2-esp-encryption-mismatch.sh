# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: responder accepts only ESP AES-256, initiator offers AES-128"
MISCONFIG="phase-2 ESP encryption (left aes128, right aes256)"
R_ESP_PROP=aes256-sha256
