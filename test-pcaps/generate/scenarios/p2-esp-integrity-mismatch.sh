# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: responder accepts only ESP HMAC-SHA1, initiator offers HMAC-SHA256"
MISCONFIG="phase-2 ESP integrity (left sha256, right sha1)"
R_ESP_PROP=aes128-sha1
