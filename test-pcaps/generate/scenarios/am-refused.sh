# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Aggressive Mode PSK refused by a responder without the aggressive-PSK override (strongSwan default)"
MISCONFIG="responder refuses aggressive mode with PSK"
L_AGGRESSIVE=yes R_AGGRESSIVE=yes
L_AGGR_PSK_OK=yes R_AGGR_PSK_OK=no
