# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: tunnel up, then the initiator closes it (swanctl --terminate --ike): INFORMATIONAL with a Delete payload for the IKE SA, answered by an empty INFORMATIONAL"
L_VERSION=2 R_VERSION=2
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && { sleep 0.5; ping_tunnel 2; }
    sleep 0.5
    sw L --terminate --ike ikediag --timeout 10 >>"$WORK/terminate.out" 2>&1
    wait_quiet $TAIL 20
}
