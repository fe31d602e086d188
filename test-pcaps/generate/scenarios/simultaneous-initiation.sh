# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Both peers initiate Main Mode at the same moment (two IKE SAs, each side initiator of one; the outcome is a race, see simultaneous-initiation-2)"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; local a=$INIT_PID
    initiate R net; local b=$INIT_PID
    wait $a $b
    child_up L net && { sleep 0.5; ping_tunnel; }
    wait_quiet $TAIL 30
}
