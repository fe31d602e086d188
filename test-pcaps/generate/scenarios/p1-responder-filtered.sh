# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Responder daemon running, but its firewall silently drops UDP 500: MM#1 is never answered and nothing comes back"
MISCONFIG="UDP 500 filtered at the responder (nftables input drop, right namespace)"
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
