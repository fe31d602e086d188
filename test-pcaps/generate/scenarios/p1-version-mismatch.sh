# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Initiator speaks IKEv1, the responder's only connection is IKEv2"
MISCONFIG="IKE version (left version 1, right version 2)"
R_VERSION=2
