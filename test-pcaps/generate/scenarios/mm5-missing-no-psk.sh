# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: the strongSwan initiator (kernel-netlink + shim) has no pre-shared key for the responder: MM#1..MM#4 go through, and instead of MM#5 it stops"
MISCONFIG="initiator has no PSK entry (left secrets empty)"
L_KERNEL=netlink R_KERNEL=netlink
L_SECRET_IDS=none
