# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: libreswan initiator, strongSwan responder (kernel-netlink + shim): tunnel up, then libreswan closes it (whack --terminate): INFORMATIONAL with Delete payloads"
L_VERSION=2 R_VERSION=2
L_IMPL=libreswan
R_KERNEL=netlink
scenario_flow() {
    start_daemon L; start_daemon R
    initiate_any L 20; wait "$INIT_PID"
    sleep 1
    ls_whack L --name ikediag --terminate >>"$WORK/terminate.out" 2>&1
    wait_quiet $TAIL 20
}
