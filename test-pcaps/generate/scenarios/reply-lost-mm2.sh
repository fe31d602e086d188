# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: every MM#2 is dropped on its way back (nftables in the initiator's namespace, after the capture point): the strongSwan initiator resends MM#1 and the libreswan responder answers each copy with its MM#2 again"
MISCONFIG="initiator's firewall drops MM#2 (UDP 500 from 500, exchange type 2, first payload SA, responder cookie set)"
L_KERNEL=netlink
R_IMPL=libreswan
prepare() {   # responder cookie = bytes 16-23 of the UDP datagram: non-zero in MM#2
    nx $NS_L nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp sport 500 @th,192,8 1 @th,208,8 2 @th,128,64 != 0 drop
    }
}
NFT
}
