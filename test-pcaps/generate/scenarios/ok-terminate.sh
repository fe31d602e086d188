# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode + ESP, then the initiator closes the tunnel (swanctl --terminate): Delete notifications"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && { sleep 0.5; ping_tunnel 2; }
    sleep 0.5
    sw L --terminate --ike ikediag --timeout 10 >>"$WORK/terminate.out" 2>&1
    wait_quiet $TAIL 20
}
