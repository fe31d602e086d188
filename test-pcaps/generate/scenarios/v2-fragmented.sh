# SPDX-License-Identifier: GPL-2.0-or-later
. "$GEN_DIR/scenarios/ok-rsa-certs.sh"
DESC="IKEv2 with RSA certificates and fragmentation forced (fragment_size 576): IKE_AUTH request and response travel as RFC 7383 Encrypted Fragment (SKF) payloads"
L_VERSION=2 R_VERSION=2
L_CONN_EXTRA="        fragmentation = force"
R_CONN_EXTRA="$L_CONN_EXTRA"
L_CHARON_EXTRA="    fragment_size = 576"
R_CHARON_EXTRA="$L_CHARON_EXTRA"
