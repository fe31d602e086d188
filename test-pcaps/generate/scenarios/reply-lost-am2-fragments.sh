# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Aggressive Mode: every AM#2 is dropped on its way back (nftables in the initiator's namespace, after the capture point): the strongSwan initiator (kernel-netlink + shim) resends AM#1; the libreswan responder resends its AM#2 for each copy, as two IKE fragments (payload 132)"
MISCONFIG="initiator's firewall drops AM#2 (UDP 500 from 500, exchange type 4)"
L_KERNEL=netlink L_AGGRESSIVE=yes L_AGGR_PSK_OK=yes
R_IMPL=libreswan R_AGGRESSIVE=yes
prepare() {
    nx $NS_L nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp sport 500 @th,208,8 4 drop
    }
}
NFT
}
