# SPDX-License-Identifier: GPL-2.0-or-later
DESC="As nat-t-4500-blocked, with both strongSwan on kernel-netlink + the XFRM shim: NAT-D shows the masquerade honestly, MM#5 after the float to UDP 4500 is dropped by the responder's host firewall"
MISCONFIG="UDP 4500 filtered at the responder (nftables input drop in the right namespace)"
TOPO=nat
L_KERNEL=netlink R_KERNEL=netlink
L_KEEPALIVE=0s R_KEEPALIVE=0s
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
