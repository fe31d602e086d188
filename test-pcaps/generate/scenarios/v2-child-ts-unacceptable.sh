# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: tunnel up (child net in IKE_AUTH), then the initiator asks for a second child SA (192.0.2.16/28 === 192.0.2.144/28) the responder has no config for: CREATE_CHILD_SA answered with TS_UNACCEPTABLE, the IKE SA and the first child stay"
MISCONFIG="second child's traffic selectors exist only on the initiator"
L_VERSION=2 R_VERSION=2
L_EXTRA_CHILDREN="            net2 {
                local_ts = 192.0.2.16/28
                remote_ts = 192.0.2.144/28
                esp_proposals = aes128-sha256
            }"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    sleep 1
    initiate L net2; wait "$INIT_PID"
    wait_quiet $TAIL 20
}
