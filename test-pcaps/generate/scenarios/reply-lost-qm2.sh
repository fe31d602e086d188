# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: every QM#2 is dropped on its way back (nftables in the initiator's namespace, after the capture point): the strongSwan initiator resends QM#1, the strongSwan responder resends QM#2 on its own timer and on each duplicate (kernel-netlink + shim on both); the capture stops before the initiator's retry with a new Main Mode"
MISCONFIG="initiator's firewall drops Quick Mode packets from the responder (UDP 500 from 500, exchange type 32)"
L_KERNEL=netlink R_KERNEL=netlink
prepare() {   # exchange type = byte 26 of the UDP datagram (8 UDP + 18 ISAKMP)
    nx $NS_L nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp sport 500 @th,208,8 32 drop
    }
}
NFT
}
# strongSwan gives up on the Quick Mode after its resends (~7 s), then starts a new Main
# Mode and loops: stop the capture before that retry.
scenario_flow() {
    start_daemon L; start_daemon R
    initiate_any L 30
    sleep 6.5
}
