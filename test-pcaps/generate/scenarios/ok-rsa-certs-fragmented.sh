# SPDX-License-Identifier: GPL-2.0-or-later
. "$GEN_DIR/scenarios/ok-rsa-certs.sh"
DESC="As ok-rsa-certs, but with IKEv1 fragmentation forced (fragment_size 576): MM#5 and MM#6 travel as several fragment packets"
L_CONN_EXTRA="        fragmentation = force"
R_CONN_EXTRA="$L_CONN_EXTRA"
L_CHARON_EXTRA="    fragment_size = 576"
R_CHARON_EXTRA="$L_CHARON_EXTRA"
