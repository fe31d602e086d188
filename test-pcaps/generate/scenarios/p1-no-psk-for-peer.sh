# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: responder has the connection but its only PSK is for another peer (198.51.100.77)"
MISCONFIG="no pre-shared key for this peer on the responder"
R_SECRET_IDS=198.51.100.77
