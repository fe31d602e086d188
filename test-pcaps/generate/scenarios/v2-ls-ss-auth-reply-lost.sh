# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: every IKE_AUTH response is dropped on its way back (nftables in the initiator's namespace, after the capture point): the libreswan initiator resends IKE_AUTH, the strongSwan responder (kernel-netlink + shim) answers each copy with its response again"
MISCONFIG="initiator's firewall drops IKE_AUTH responses (UDP 500 from 500, exchange type 35)"
L_VERSION=2 R_VERSION=2
L_IMPL=libreswan
R_KERNEL=netlink
prepare() {   # IKE header: exchange type = byte 18 of the UDP payload (libreswan stays on 500 without NAT)
    nx $NS_L nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp sport 500 @th,208,8 35 drop
    }
}
NFT
}
