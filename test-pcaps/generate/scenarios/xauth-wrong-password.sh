# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode (PSK) + XAuth with a wrong password: the XAuth server reports failure in the Transaction exchange, no Quick Mode"
MISCONFIG="XAuth password differs"
. "$GEN_DIR/scenarios/ok-xauth.sh"
R_SECRETS="    xauth-user {
        id = ikediag-user
        secret = not-the-xauth-pass
    }"
