# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: initiator asks for tunnel mode, responder allows only transport mode"
MISCONFIG="phase-2 mode (left tunnel, right transport)"
R_MODE=transport
