# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: pre-shared keys differ"
MISCONFIG="pre-shared key differs"
R_PSK="not-the-same-psk-9876543210"
