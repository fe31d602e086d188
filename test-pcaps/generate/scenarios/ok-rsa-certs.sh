# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode with RSA signatures (certificates from a throw-away pki CA) + Quick Mode + ESP"
L_AUTH=pubkey L_REMOTE_AUTH=pubkey R_AUTH=pubkey R_REMOTE_AUTH=pubkey
L_LOCAL_EXTRA="            certs = left.crt"
R_LOCAL_EXTRA="            certs = right.crt"
L_SECRET_IDS=none R_SECRET_IDS=none
prepare() {   # CA + one certificate per side, regenerated each run (nothing secret is committed)
    local t=$WORK/pki
    mkdir -p "$t"
    pki --gen --type rsa --size 2048 --outform pem > "$t/ca.key" 2>/dev/null
    pki --self --ca --lifetime 30 --in "$t/ca.key" --dn "CN=ikediag test CA" --outform pem > "$t/ca.crt" 2>/dev/null
    local side addr
    for side in left right; do
        addr=$([ $side = left ] && echo 198.51.100.1 || echo 198.51.100.2)
        pki --gen --type rsa --size 2048 --outform pem > "$WORK/$side/swanctl/rsa/$side.key" 2>/dev/null
        pki --issue --lifetime 30 --in "$WORK/$side/swanctl/rsa/$side.key" --type priv --cacert "$t/ca.crt" \
            --cakey "$t/ca.key" --dn "CN=$addr" --san $addr --outform pem > "$WORK/$side/swanctl/x509/$side.crt" 2>/dev/null
        cp "$t/ca.crt" "$WORK/$side/swanctl/x509ca/ca.crt"
    done
}
