# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode never answered: the responder's firewall drops Quick Mode packets (exchange type 32 on UDP 4500)"
MISCONFIG="responder silently drops QM#1 (nftables: UDP 4500, ISAKMP exchange type 32)"
prepare() {   # exchange type = byte 30 of the UDP datagram (8 UDP + 4 marker + 18 ISAKMP)
    nx $NS_R nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp dport 4500 @th,240,8 32 drop
    }
}
NFT
}
# strongSwan gives up on the Quick Mode after its retransmissions, declares the IKE SA
# dead and starts a new Main Mode (then loops): stop the capture during the 2nd attempt.
scenario_flow() {
    start_charon L; start_charon R
    initiate L net 30
    sleep 12.8
}
