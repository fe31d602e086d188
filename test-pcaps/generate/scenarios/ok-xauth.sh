# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode (PSK) + XAuth (Transaction exchanges) + Quick Mode + ESP"
L_LOCAL_EXTRA=""
L_EXTRA_AUTH="        local-xauth {
            auth = xauth
            xauth_id = ikediag-user
        }"
R_EXTRA_AUTH="        remote-xauth {
            auth = xauth
        }"
L_SECRETS="    xauth-user {
        id = ikediag-user
        secret = ikediag-xauth-pass
    }"
R_SECRETS="$L_SECRETS"
