# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: the libreswan initiator has no pre-shared key for the strongSwan responder (kernel-netlink + shim): it refuses each MM#2 with NO-PROPOSAL-CHOSEN in clear and resends MM#1; the responder answers every MM#1 copy with a new MM#2 (new responder cookie)"
MISCONFIG="initiator has no PSK entry (left ipsec.secrets empty)"
L_IMPL=libreswan
R_KERNEL=netlink
L_SECRET_IDS=none
