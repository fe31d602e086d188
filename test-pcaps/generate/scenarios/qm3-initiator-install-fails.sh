# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: responder accepts, but the initiator cannot install its route/policy (no local address in its subnet) and refuses QM#2 instead of sending QM#3"
MISCONFIG="initiator-side SA/route installation failure (left local_ts 192.0.2.16/28 holds no local address)"
L_TS_LOCAL=192.0.2.16/28
R_TS_REMOTE=192.0.2.16/28
