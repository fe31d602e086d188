# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the initiator's ESP proposal has PFS (MODP-2048), the responder's none: the child in IKE_AUTH comes up (no KE there), but the rekey's CREATE_CHILD_SA (with KE) is refused with NO_PROPOSAL_CHOSEN (left child rekey_time 5s)"
MISCONFIG="ESP PFS group: initiator aes128-sha256-modp2048, responder aes128-sha256 (none)"
L_VERSION=2 R_VERSION=2
L_ESP_PROP=aes128-sha256-modp2048
L_CHILD_REKEY=5s
L_CHILD_EXTRA="                life_time = 30s
                rand_time = 0s"
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    sleep 7
    wait_quiet $TAIL 15
}
