# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: the libreswan responder runs without the XFRM shim, so the kernel refuses the inbound ESP SA it installs before answering: it never sends QM#2 and drops the strongSwan initiator's (kernel-netlink + shim) QM#1 resends"
MISCONFIG="responder cannot install IPsec SAs (no ESP in its kernel, no shim)"
L_KERNEL=netlink
R_IMPL=libreswan R_SHIM=no
# strongSwan gives up on the Quick Mode after its resends (~7 s), then starts over with a
# new Main Mode and loops: stop the capture before that.
scenario_flow() {
    start_daemon L; start_daemon R
    initiate_any L 30
    sleep 6.5
}
