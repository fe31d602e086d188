# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: responder expects the initiator's subnet to be 192.0.2.16/28, not 192.0.2.0/28"
MISCONFIG="traffic selectors / proxy IDs (right remote_ts 192.0.2.16/28)"
R_TS_REMOTE=192.0.2.16/28
