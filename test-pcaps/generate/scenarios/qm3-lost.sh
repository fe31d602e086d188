# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Quick Mode: every QM#3 is dropped on arrival (nftables in the responder's namespace, after the capture point): the strongSwan responder resends QM#2 on its timer and the strongSwan initiator answers each copy with its QM#3 again (kernel-netlink + shim on both)"
MISCONFIG="responder's firewall drops QM#3 (UDP to 500, exchange type 32, ISAKMP length under 100: QM#1 is much larger)"
L_KERNEL=netlink
R_KERNEL=netlink
prepare() {   # exchange type = byte 26 of the UDP datagram (8 UDP + 18 ISAKMP), ISAKMP length = bytes 32-35
              # (on UDP 4500 both 4 bytes further on, after the non-ESP marker)
    nx $NS_R nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp dport 500 @th,208,8 32 @th,256,32 < 100 drop
        udp dport 4500 @th,64,32 0 @th,240,8 32 @th,288,32 < 100 drop
    }
}
NFT
}
# strongSwan resends QM#2 at about 1, 2.4, 4.4 s; at about 7 s strongSwan closes its
# child SA (the shim's larval inbound SA expires, see README) and sends Deletes: stop the
# capture before that.
scenario_flow() {
    start_daemon L; start_daemon R
    initiate_any L 30
    sleep 6.5
}
