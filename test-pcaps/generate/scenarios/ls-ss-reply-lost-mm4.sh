# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: every MM#4 is dropped on its way back (nftables in the initiator's namespace, after the capture point): the libreswan initiator resends MM#3 and the strongSwan responder (kernel-netlink + shim) answers each copy with its MM#4 again"
MISCONFIG="initiator's firewall drops MM#4 (UDP 500 from 500, exchange type 2, first payload KE)"
L_IMPL=libreswan
R_KERNEL=netlink
prepare() {   # ISAKMP next payload = byte 24 of the UDP datagram, exchange type = byte 26
    nx $NS_L nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp sport 500 @th,192,8 4 @th,208,8 2 drop
    }
}
NFT
}
