# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: IKE_SA_INIT + IKE_AUTH (child SA in IKE_AUTH), then no traffic at all: the tunnel stays up and idle, no ESP; the initiator's DPD (dpd_delay 15s: an empty INFORMATIONAL) at about 15 s, answered, is the last packet (a pcap does not record silence)"
L_VERSION=2 R_VERSION=2
L_DPD_DELAY=15s
scenario_flow() {
    start_charon L; start_charon R
    initiate L net; wait "$INIT_PID"
    sleep 16
    wait_quiet $TAIL 10
}
