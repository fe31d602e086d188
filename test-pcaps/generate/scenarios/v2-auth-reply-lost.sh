# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: every IKE_AUTH response is dropped on its way back (nftables in the initiator's namespace, after the capture point): the initiator resends IKE_AUTH, the responder answers each copy with its response again"
MISCONFIG="initiator's firewall drops UDP from source port 4500 (IKE_AUTH runs on 4500: kernel-libipsec fakes NAT-D)"
L_VERSION=2 R_VERSION=2
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
