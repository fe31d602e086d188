# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: tunnel up, then the responder rekeys the IKE SA (right rekey_time 6s): CREATE_CHILD_SA from the old responder, which becomes the initiator of the new IKE SA (I flag set in its requests there)"
L_VERSION=2 R_VERSION=2
R_IKE_REKEY=6s
R_CONN_EXTRA="        rand_time = 0s
        over_time = 30s"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && { sleep 0.5; ping_tunnel 2; }
    sleep 6.5
    ping_tunnel 2
    wait_quiet $TAIL 15
}
