# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode through the NAT, but the responder's host firewall drops UDP 4500: MM#5 after the float is never answered"
MISCONFIG="UDP 4500 filtered at the responder (nftables input drop in the right namespace)"
TOPO=nat
prepare() {   # tcpdump on vright still sees the dropped packets (it taps before netfilter)
    nx $NS_R nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp dport 4500 drop
    }
}
NFT
}
