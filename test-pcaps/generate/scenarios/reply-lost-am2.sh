# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Aggressive Mode: every AM#2 is dropped on its way back (nftables in the initiator's namespace, after the capture point): the strongSwan initiator (kernel-netlink + shim) resends AM#1 and the libreswan responder (fragmentation=no) answers each copy with its AM#2 again"
MISCONFIG="initiator's firewall drops AM#2 (UDP 500 from 500, exchange type 4)"
L_KERNEL=netlink L_AGGRESSIVE=yes L_AGGR_PSK_OK=yes
R_IMPL=libreswan R_AGGRESSIVE=yes
R_LS_EXTRA="    fragmentation=no"   # else libreswan resends AM#2 as IKE fragments (see reply-lost-am2-fragments)
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
