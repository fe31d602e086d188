# SPDX-License-Identifier: GPL-2.0-or-later
DESC="As nat-t-4500-blocked-at-nat, with both strongSwan on kernel-netlink + the XFRM shim: NAT-D shows the masquerade honestly, MM#5 to UDP 4500 is dropped at the NAT box; the initiator (keyingtries 2) starts over with new cookies"
MISCONFIG="UDP 4500 filtered on the NAT box (nftables forward drop in the nat namespace)"
TOPO=nat
L_KERNEL=netlink R_KERNEL=netlink
L_KEEPALIVE=0s R_KEEPALIVE=0s
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
