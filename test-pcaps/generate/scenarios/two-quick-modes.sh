# SPDX-License-Identifier: GPL-2.0-or-later
DESC="One Main Mode, then two Quick Modes (two child SAs for two subnet pairs) under the same IKE SA"
L_EXTRA_CHILDREN="            net2 {
                local_ts = 192.0.2.16/28
                remote_ts = 192.0.2.144/28
                esp_proposals = aes128-sha256
            }"
R_EXTRA_CHILDREN="            net2 {
                local_ts = 192.0.2.144/28
                remote_ts = 192.0.2.16/28
                esp_proposals = aes128-sha256
            }"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    sleep 0.5
    initiate L net2; wait "$INIT_PID"    # reuses the established IKE SA
    child_up L net && ping_tunnel
    wait_quiet $TAIL 30
}
prepare() {   # libipsec routes need a local address inside each local subnet
    nx $NS_L ip addr add 192.0.2.17/32 dev lo
    nx $NS_R ip addr add 192.0.2.145/32 dev lo
}
