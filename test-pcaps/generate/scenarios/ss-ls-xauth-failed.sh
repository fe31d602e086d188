# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode (PSK) + XAuth with a wrong password: the libreswan XAuth server (xauthby=file) answers the strongSwan client's (kernel-netlink + shim) credentials with XAUTH_STATUS fail; strongSwan drops the IKE SA silently, libreswan keeps resending the status and asking again; no Quick Mode"
MISCONFIG="XAuth password differs (libreswan's passwd file holds another password)"
# strongSwan's XAuth client needs the xauth-generic plugin (Debian: libcharon-extauth-plugins).
# Without it strongSwan answers every XAuth request with an empty CFG_REPLY ("no XAuth method
# found") and libreswan asks again at once: tens of thousands of Transactions in seconds.
L_KERNEL=netlink
L_EXTRA_AUTH="        local-xauth {
            auth = xauth
            xauth_id = ikediag-user
        }"
L_SECRETS="    xauth-user {
        id = ikediag-user
        secret = ikediag-xauth-pass
    }"
R_IMPL=libreswan
R_LS_EXTRA="    leftxauthserver=yes
    rightxauthclient=yes
    xauthby=file
    leftmodecfgserver=no
    rightmodecfgclient=no"
prepare() {   # libreswan's XAuth users: NAME:CRYPT(3) PASSWORD:CONN in <ipsecdir>/passwd
    echo "ikediag-user:$(openssl passwd -6 not-the-xauth-pass):ikediag" > "$WORK/right/ipsec.d/passwd"
    chmod 600 "$WORK/right/ipsec.d/passwd"
}
