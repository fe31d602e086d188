# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: tunnel up, then the initiator re-authenticates (left reauth_time 6s, break-before-make): INFORMATIONAL Delete of the old IKE SA, then a new IKE_SA_INIT + IKE_AUTH with a new SPIi"
L_VERSION=2 R_VERSION=2
L_IKE_REKEY=0s
L_CONN_EXTRA="        reauth_time = 6s
        rand_time = 0s
        over_time = 30s"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && { sleep 0.5; ping_tunnel 2; }
    sleep 6.5
    wait_quiet $TAIL 15
}
