# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2 through the NAT, the NAT box drops UDP 4500: IKE_SA_INIT on 500 is answered, IKE_AUTH (sent to 4500) never reaches the responder; the initiator (keyingtries 2) starts over with a new SPIi"
MISCONFIG="UDP 4500 filtered on the NAT box (nftables forward drop in the nat namespace)"
TOPO=nat
L_VERSION=2 R_VERSION=2
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
