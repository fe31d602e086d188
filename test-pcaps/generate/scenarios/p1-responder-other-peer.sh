# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: responder's connection is for another peer address (198.51.100.77)"
MISCONFIG="responder configured for another peer (remote_addrs/id 198.51.100.77)"
R_REMOTE_ADDRS=198.51.100.77 R_REMOTE_ID=198.51.100.77 R_SECRET_IDS="198.51.100.2 198.51.100.77"
