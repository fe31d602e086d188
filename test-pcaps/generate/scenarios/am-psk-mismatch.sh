# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Aggressive Mode: pre-shared keys differ"
MISCONFIG="pre-shared key differs (aggressive mode)"
L_AGGRESSIVE=yes R_AGGRESSIVE=yes
L_AGGR_PSK_OK=yes R_AGGR_PSK_OK=yes
R_PSK="not-the-same-psk-9876543210"
