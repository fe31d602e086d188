# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Aggressive Mode (PSK) + Quick Mode + ESP, nothing misconfigured"
L_AGGRESSIVE=yes R_AGGRESSIVE=yes
L_AGGR_PSK_OK=yes R_AGGR_PSK_OK=yes   # charon.i_dont_care_about_security_and_use_aggressive_mode_psk
