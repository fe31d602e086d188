# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: the strongSwan responder (cookie_threshold 1) holds a half-open IKE SA from 198.51.100.3 (the left host's second address, whose IKE_SA_INIT responses the left firewall drops), so it answers 198.51.100.1's IKE_SA_INIT with a COOKIE; the initiator repeats IKE_SA_INIT (same SPIi) with the cookie and completes"
MISCONFIG="none (responder under half-open load demands a cookie)"
L_VERSION=2 R_VERSION=2
R_CHARON_EXTRA="    cookie_threshold = 1"
R_REMOTE_ADDRS=198.51.100.0/24
prepare() {
    # a second address on the left host; its IKE SA (connection decoy) never sees a response
    nx $NS_L ip addr add 198.51.100.3/24 dev vleft
    nx $NS_L nft -f - <<'NFT'
table ip ikediag_filter {
    chain input {
        type filter hook input priority filter; policy accept;
        ip daddr 198.51.100.3 udp sport 500 drop
    }
}
NFT
    cat >> "$WORK/left/swanctl/swanctl.conf" <<'CONF'
connections {
    decoy {
        version = 2
        local_addrs = 198.51.100.3
        remote_addrs = 198.51.100.2
        proposals = aes128-sha256-modp2048
        local { auth = psk
                id = 198.51.100.1 }
        remote { auth = psk
                 id = 198.51.100.2 }
        children { decoy { local_ts = 192.0.2.0/28
                           remote_ts = 192.0.2.128/28 } }
    }
}
CONF
}
scenario_flow() {
    start_charon L; start_charon R
    initiate L decoy 10
    sleep 0.5                 # the decoy IKE SA is half-open on the right now
    initiate L net 20; wait "$INIT_PID"
    wait_quiet $TAIL 30
}
