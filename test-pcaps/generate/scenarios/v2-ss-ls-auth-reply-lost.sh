# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: every IKE_AUTH response is dropped on its way back (nftables in the initiator's namespace, after the capture point): the strongSwan initiator (kernel-netlink + shim) resends IKE_AUTH, the libreswan responder answers each copy"
MISCONFIG="initiator's firewall drops UDP from source port 4500 (strongSwan sends IKE_AUTH to 4500)"
L_VERSION=2 R_VERSION=2
L_KERNEL=netlink
R_IMPL=libreswan
prepare() {
    nx $NS_L nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp sport 4500 drop
    }
}
NFT
}
