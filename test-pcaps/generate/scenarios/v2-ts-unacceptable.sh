# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the responder expects the initiator's subnet to be 192.0.2.16/28: IKE SA established, the child SA is refused with TS_UNACCEPTABLE in the IKE_AUTH response"
MISCONFIG="traffic selectors: right's remote_ts 192.0.2.16/28, left's local_ts 192.0.2.0/28"
L_VERSION=2 R_VERSION=2
R_TS_REMOTE=192.0.2.16/28
