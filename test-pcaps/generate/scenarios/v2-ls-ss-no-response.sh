# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the responder's firewall silently drops UDP 500: the libreswan initiator resends IKE_SA_INIT on its own timer and gives up"
MISCONFIG="UDP 500 filtered at the responder (nftables input drop, right namespace)"
L_VERSION=2 R_VERSION=2
L_IMPL=libreswan
R_KERNEL=netlink
prepare() {
    nx $NS_R nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp dport 500 drop
    }
}
NFT
}
