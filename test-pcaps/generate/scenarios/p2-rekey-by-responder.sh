# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode started by left, then the phase-1 responder (right) rekeys the child SA with its own Quick Mode"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    child_up L net && ping_tunnel 2
    sleep 1
    sw R --rekey --child net >>"$WORK/rekey.out" 2>&1     # right = IKE responder starts QM
    sleep 1.5
    ping_tunnel 2
    wait_quiet $TAIL 30
}
