# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode: initiator uses PSK, responder RSA signatures (certificates made with pki)"
MISCONFIG="phase-1 authentication method (left psk, right pubkey/RSA)"
R_AUTH=pubkey R_REMOTE_AUTH=pubkey
R_LOCAL_EXTRA="            certs = right.crt"
R_SECRET_IDS=none
prepare() {   # a throw-away CA and a certificate for the right peer
    local d=$WORK/right/swanctl
    pki --gen --type rsa --size 2048 --outform pem 2>/dev/null > "$d/rsa/ca.key"
    pki --self --ca --lifetime 30 --in "$d/rsa/ca.key" --dn "CN=ikediag test CA" --outform pem 2>/dev/null > "$d/x509ca/ca.crt"
    pki --gen --type rsa --size 2048 --outform pem 2>/dev/null > "$d/rsa/right.key"
    pki --issue --lifetime 30 --in "$d/rsa/right.key" --type priv --cacert "$d/x509ca/ca.crt" --cakey "$d/rsa/ca.key" \
        --dn "CN=198.51.100.2" --san 198.51.100.2 --outform pem 2>/dev/null > "$d/x509/right.crt"
    rm -f "$d/rsa/ca.key"
}
