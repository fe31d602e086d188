# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode through the NAT, the NAT box drops UDP 4500: seen from the responder's side MM#5 never arrives; the initiator (keyingtries 2) starts over with new cookies"
MISCONFIG="UDP 4500 filtered on the NAT box (nftables forward drop in the nat namespace)"
TOPO=nat
L_CONN_EXTRA="        keyingtries = 2"   # a pcap does not record trailing silence: the retry makes the stall visible
prepare() {
    nx $NS_N nft -f - <<'NFT'
table ip ikediag_filter {
    chain forward_drop {
        type filter hook forward priority filter; policy accept;
        udp dport 4500 drop
        udp sport 4500 drop
    }
}
NFT
}
