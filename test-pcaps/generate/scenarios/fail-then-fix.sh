# SPDX-License-Identifier: GPL-2.0-or-later
DESC="PSK mismatch, then the responder's PSK is fixed (swanctl --load-all) and a new attempt by the same peers succeeds"
R_PSK="not-the-same-psk-9876543210"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"          # fails after the MM#5 retransmissions
    sleep 1
    R_PSK=$PSK; write_config R                 # fix the secret and reload it
    sw R --load-all --noprompt >>"$WORK/right/swanctl.out" 2>&1
    initiate L net; wait "$INIT_PID"
    child_up L net && { sleep 0.5; ping_tunnel; }
    wait_quiet $TAIL 30
}
