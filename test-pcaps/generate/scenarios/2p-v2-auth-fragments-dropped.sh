# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points, IKEv2 with 4096-bit RSA certificates and IKE fragmentation off on both sides (kernel-netlink + shim: honest NAT-D, no NAT): IKE_AUTH is larger than the MTU and leaves in IP fragments, the router drops every IP fragment: IKE_AUTH never reaches the responder; the initiator resends it and gives up (strongSwan both sides)"
MISCONFIG="IP fragments dropped on the router (nftables forward: frag-off), RFC 7383 fragmentation not enabled"
TOPO=routed
L_KERNEL=netlink R_KERNEL=netlink   # honest NAT-D: no NAT to blame, only the fragments
L_VERSION=2 R_VERSION=2
L_AUTH=pubkey L_REMOTE_AUTH=pubkey R_AUTH=pubkey R_REMOTE_AUTH=pubkey
L_LOCAL_EXTRA="            certs = left.crt"
R_LOCAL_EXTRA="            certs = right.crt"
L_SECRET_IDS=none R_SECRET_IDS=none
L_CONN_EXTRA="        fragmentation = no"
R_CONN_EXTRA="$L_CONN_EXTRA"
ROUTER_RULES="        ip frag-off & 0x3fff != 0 drop"
prepare() {   # CA + one certificate per side (4096-bit keys: IKE_AUTH > 1500 bytes), regenerated each run
    local t=$WORK/pki side addr
    mkdir -p "$t"
    pki --gen --type rsa --size 2048 --outform pem > "$t/ca.key" 2>/dev/null
    pki --self --ca --lifetime 30 --in "$t/ca.key" --dn "CN=ikediag test CA" --outform pem > "$t/ca.crt" 2>/dev/null
    for side in left right; do
        addr=$([ $side = left ] && echo "$L_ADDR" || echo "$R_ADDR")
        pki --gen --type rsa --size 4096 --outform pem > "$WORK/$side/swanctl/rsa/$side.key" 2>/dev/null
        pki --issue --lifetime 30 --in "$WORK/$side/swanctl/rsa/$side.key" --type priv --cacert "$t/ca.crt" \
            --cakey "$t/ca.key" --dn "CN=$addr" --san "$addr" --outform pem > "$WORK/$side/swanctl/x509/$side.crt" 2>/dev/null
        cp "$t/ca.crt" "$WORK/$side/swanctl/x509ca/ca.crt"
    done
}
