# SPDX-License-Identifier: GPL-2.0-or-later
DESC="No IKE daemon on the responder: MM#1 is never answered (the responder's kernel sends ICMP port unreachable)"
MISCONFIG="responder daemon not running"
R_RUN=no
