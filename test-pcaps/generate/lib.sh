#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ikediag capture framework: network namespaces, two IKE daemons (strongSwan charon,
# or libreswan pluto on either side: lib-daemons.sh)
# (IKEv1), tcpdump between them, teardown, key extraction and log trimming.
#
# Sourced by run-scenario.sh.  A scenario file (scenarios/NAME.sh) only sets
# variables (L_* for left, R_* for right) and may override scenario_flow().
#
# Address plan (documentation ranges only):
#   left  198.51.100.1   protects 192.0.2.0/28   (holds 192.0.2.1)
#   right 198.51.100.2   protects 192.0.2.128/28 (holds 192.0.2.129)
#   NAT topology: left 198.51.100.1 -- 198.51.100.254 [nat] 203.0.113.254 -- 203.0.113.2 right
#   routed topology: the same three namespaces, the middle one a plain router (no NAT unless
#     ROUTER_NAT=masquerade; faults from ROUTER_RULES), captured at both ends (CAPTURE=both)
#   IPv6 topology: left 2001:db8:1::1 -- 2001:db8:1::2 right

set -u
GEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR=$(dirname "$GEN_DIR")
CHARON=/usr/lib/ipsec/charon
NS_L=ikediag-$$-left NS_R=ikediag-$$-right NS_N=ikediag-$$-nat   # unique per run
PIDS=()
CAP_PID=            # the capture process(es)
CAP_WATCH=()        # the capture file(s) wait_quiet watches
. "$GEN_DIR/lib-daemons.sh"   # strongSwan or libreswan per side, the XFRM shim

log() { echo "[$(date +%T)] ${SCEN:-}: $*" >&2; }

# ---------------------------------------------------------------- defaults
set_defaults() {
    TOPO=direct                      # direct | nat | ipv6 | routed
    ROUTER_NAT=none                  # routed: none | masquerade (source NAT to :40000-50000)
    ROUTER_RULES=                    # routed: nftables rules of the router's forward chain
    CAPTURE=                         # right (vright, default) | both (vleft and vright, merged)
    SHIFT_RIGHT=0                    # both: seconds added to vright's timestamps before merging
    DESC="" MISCONFIG=none
    PSK="ikediag-test-psk-0123456789"
    PING=yes                          # ping across the tunnel if the child is up
    TAIL=3                            # seconds of silence that end the capture
    for s in L R; do
        eval "${s}_RUN=yes ${s}_VERSION=1 ${s}_AGGRESSIVE=no ${s}_AGGR_PSK_OK=no"
        eval "${s}_IKE_PROP=aes128-sha256-modp2048 ${s}_ESP_PROP=aes128-sha256"
        eval "${s}_AUTH=psk ${s}_REMOTE_AUTH=psk ${s}_MODE=tunnel ${s}_DPD_DELAY=0s ${s}_DPD_ACTION=clear"
        eval "${s}_CHILD_REKEY=1h ${s}_IKE_REKEY=4h ${s}_EXTRA_CHILDREN= ${s}_SECRETS= ${s}_KEEPALIVE=20s"
        eval "${s}_LOCAL_EXTRA= ${s}_REMOTE_EXTRA= ${s}_EXTRA_AUTH= ${s}_CHILD_EXTRA= ${s}_CONN_EXTRA= ${s}_CHARON_EXTRA="
        eval "${s}_PSK=\$PSK"
        eval "${s}_IMPL=strongswan ${s}_KERNEL=libipsec"        # see "daemons" below
        eval "${s}_LS_IKE='aes128-sha2_256;modp2048' ${s}_LS_ESP=aes128-sha2_256 ${s}_LS_PFS=no ${s}_LS_EXTRA="
    done
}

# address plan per topology (called after the scenario file is sourced)
set_addresses() {
    case $TOPO in
    direct) L_ADDR=198.51.100.1 R_ADDR=198.51.100.2 ;;
    nat|routed) L_ADDR=198.51.100.1 R_ADDR=203.0.113.2 ;;
    ipv6)   L_ADDR=2001:db8:1::1 R_ADDR=2001:db8:1::2 ;;
    esac
    : "${L_TS_LOCAL:=192.0.2.0/28}" "${L_TS_REMOTE:=192.0.2.128/28}"
    : "${R_TS_LOCAL:=192.0.2.128/28}" "${R_TS_REMOTE:=192.0.2.0/28}"
    : "${L_LOCAL_ADDRS:=$L_ADDR}" "${L_REMOTE_ADDRS:=$R_ADDR}"
    : "${L_LOCAL_ID:=$L_ADDR}" "${L_REMOTE_ID:=$R_ADDR}"
    : "${R_LOCAL_ADDRS:=$R_ADDR}" "${R_LOCAL_ID:=$R_ADDR}"
    if [ "$TOPO" = nat ] || { [ "$TOPO" = routed ] && [ "$ROUTER_NAT" != none ]; }; then
        : "${R_REMOTE_ADDRS:=%any}"
    else
        : "${R_REMOTE_ADDRS:=$L_ADDR}"
    fi
    if [ -z "$CAPTURE" ]; then CAPTURE=$([ "$TOPO" = routed ] && echo both || echo right); fi
    : "${R_REMOTE_ID:=$L_ADDR}"
    : "${L_SECRET_IDS:=$L_LOCAL_ID $L_REMOTE_ID}" "${R_SECRET_IDS:=$R_LOCAL_ID $R_REMOTE_ID}"
}

# ---------------------------------------------------------------- network
cleanup() {
    set +e
    [ -n "$CAP_PID" ] && kill -TERM $CAP_PID 2>/dev/null && sleep 0.3
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.3
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    for ns in $NS_L $NS_R $NS_N; do
        ip netns pids $ns 2>/dev/null | xargs -r kill -9 2>/dev/null
        ip netns del $ns 2>/dev/null
    done
    PIDS=() CAP_PID=
}

nx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

no_offload() {  # ns dev
    command -v ethtool >/dev/null && nx "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1
    return 0
}

# the middle namespace of the nat and routed topologies: left's and right's veths to it,
# forwarding on, left routes 203.0.113.0/24 through it
setup_middle() {
    nx $NS_N ip link set lo up
    ip link add vleft netns $NS_L type veth peer name nleft netns $NS_N
    ip link add vright netns $NS_R type veth peer name nright netns $NS_N
    nx $NS_L ip addr add 198.51.100.1/24 dev vleft
    nx $NS_N ip addr add 198.51.100.254/24 dev nleft
    nx $NS_N ip addr add 203.0.113.254/24 dev nright
    nx $NS_R ip addr add 203.0.113.2/24 dev vright
    nx $NS_L ip link set vleft up
    nx $NS_L ip route add 203.0.113.0/24 via 198.51.100.254
    nx $NS_N sysctl -qw net.ipv4.ip_forward=1
    local d
    for d in nleft nright; do nx $NS_N ip link set $d up; no_offload $NS_N $d; done
}

# routed topology: the router's nftables.  ROUTER_RULES go into a forward chain (the faults:
# it sees both directions, with the original addresses and ports, before any source NAT);
# ROUTER_NAT=masquerade adds a source NAT of left's net behind 203.0.113.254 that moves
# the source port into 40000-50000, so UDP 500 and 4500 really change port.  Without NAT
# and without `ct` in ROUTER_RULES the router has no conntrack, hence no defragmentation:
# the forward chain sees IP fragments one by one.
setup_router() {
    local nat=
    case $ROUTER_NAT in
    none) ;;
    masquerade) nat='    chain post {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "nright" ip saddr 198.51.100.0/24 ip protocol udp masquerade to :40000-50000
        oifname "nright" ip saddr 198.51.100.0/24 masquerade
    }' ;;
    *) log "ROUTER_NAT=$ROUTER_NAT: none or masquerade"; exit 1 ;;
    esac
    nx $NS_N nft -f - <<NFT || { log "router nftables rules refused"; exit 1; }
table ip ikediag_router {
    chain forward {
        type filter hook forward priority filter; policy accept;
$ROUTER_RULES
    }
$nat
}
NFT
}

setup_net() {
    cleanup
    ip netns add $NS_L; ip netns add $NS_R
    case $TOPO in nat|routed) ip netns add $NS_N ;; esac
    nx $NS_L ip link set lo up; nx $NS_R ip link set lo up
    # no IPv6 chatter (ND, router solicitations) in the IPv4 captures
    local ns
    for ns in $NS_L $NS_R $NS_N; do
        ip netns list | grep -qw $ns || continue
        if [ "$TOPO" = ipv6 ]; then
            nx $ns sysctl -qw net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.default.accept_ra=0
        else
            nx $ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
        fi
    done
    # protected-subnet addresses: routes via the libipsec TUN device need a local source
    nx $NS_L ip addr add 192.0.2.1/32 dev lo
    nx $NS_R ip addr add 192.0.2.129/32 dev lo
    case $TOPO in
    direct)
        ip link add vleft netns $NS_L type veth peer name vright netns $NS_R
        nx $NS_L ip addr add 198.51.100.1/24 dev vleft
        nx $NS_R ip addr add 198.51.100.2/24 dev vright
        CAP_NS=$NS_R CAP_DEV=vright ;;
    ipv6)
        ip link add vleft netns $NS_L type veth peer name vright netns $NS_R
        nx $NS_L ip addr add 2001:db8:1::1/64 dev vleft nodad
        nx $NS_R ip addr add 2001:db8:1::2/64 dev vright nodad
        CAP_NS=$NS_R CAP_DEV=vright ;;
    nat)
        setup_middle
        nx $NS_N nft -f - <<'NFT'
table ip ikediag_nat {
    chain post {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "nright" ip saddr 198.51.100.0/24 masquerade
    }
}
NFT
        CAP_NS=$NS_R CAP_DEV=vright ;;
    routed)
        setup_middle
        nx $NS_R ip link set vright up
        nx $NS_R ip route add 198.51.100.0/24 via 203.0.113.254
        setup_router
        CAP_NS=$NS_R CAP_DEV=vright ;;
    esac
    nx $NS_L ip link set vleft up; nx $NS_R ip link set vright up
    no_offload $NS_L vleft; no_offload $NS_R vright
}

CAP_FILTER='udp port 500 or udp port 4500 or esp or icmp or (icmp6 and ip6[40] < 133)'

start_capture() {
    if [ "$CAPTURE" = both ]; then start_capture_both; return; fi
    CAP_FILE=$WORK/capture.pcap CAP_WATCH=("$CAP_FILE")
    # not through nx(): a function in the background would fork a subshell and $! would not be tcpdump
    ip netns exec $CAP_NS tcpdump -n -U -i $CAP_DEV -w "$CAP_FILE" "$CAP_FILTER" >"$WORK/tcpdump.out" 2>&1 &
    CAP_PID=$!
    for _ in $(seq 50); do grep -q listening "$WORK/tcpdump.out" && break; sleep 0.1; done
    sleep 0.3
}

# two capture points: dumpcap on vleft (left's namespace) and on vright (right's), each a
# pcapng file whose interface block names its interface; merged by stop_capture.  The
# filter adds IP fragments after the first (no UDP header, so `udp port` misses them).
start_capture_both() {
    local side ns dev
    CAP_PID= CAP_WATCH=()
    for side in left right; do
        ns=$([ $side = left ] && echo $NS_L || echo $NS_R)
        dev=$([ $side = left ] && echo vleft || echo vright)
        ip netns exec $ns dumpcap -q -i $dev -w "$WORK/$side.pcapng" \
            -f "$CAP_FILTER or (ip[6:2] & 0x1fff != 0)" >"$WORK/dumpcap.$side.out" 2>&1 &
        CAP_PID="$CAP_PID $!"
        CAP_WATCH+=("$WORK/$side.pcapng")
    done
    for side in left right; do
        for _ in $(seq 100); do grep -q "Capturing on" "$WORK/dumpcap.$side.out" 2>/dev/null && break; sleep 0.1; done
        grep -q "Capturing on" "$WORK/dumpcap.$side.out" || { log "dumpcap on $side did not start"; exit 1; }
    done
    CAP_FILE=$WORK/left.pcapng   # wait_quiet watches CAP_WATCH; stop_capture sets the merged file
    sleep 0.3
}

stop_capture() {
    local p
    for p in $CAP_PID; do kill -TERM "$p"; done
    for p in $CAP_PID; do wait "$p" 2>/dev/null; done
    CAP_PID=
    [ "$CAPTURE" = both ] || return 0
    # the responder's clock shifted as a user's other capture point might be, then one file
    # in timestamp order (mergecap's default), vleft's interface first (id 0), vright's 1
    local right=$WORK/right.pcapng
    if [ "$SHIFT_RIGHT" != 0 ]; then
        editcap -t "$SHIFT_RIGHT" "$WORK/right.pcapng" "$WORK/right-shifted.pcapng" || { log "editcap failed"; exit 1; }
        right=$WORK/right-shifted.pcapng
    fi
    mergecap -w "$WORK/capture.pcapng" "$WORK/left.pcapng" "$right" || { log "mergecap failed"; exit 1; }
    CAP_FILE=$WORK/capture.pcapng
    # capinfos reads the interface blocks: an interface without a single frame is listed too
    log "interfaces: $(capinfos -I "$CAP_FILE" 2>/dev/null | awk '/^Interface #/ {i = $2} $1 == "Name" {n = $3}
        /Number of packets/ {printf "%s=%s (%s frames) ", i, n, $NF}')"
}

# wait until the capture has been silent for $1 s (at most $2 s)
wait_quiet() {
    local q=$1 max=${2:-30} last size prev=-1 t0 now
    t0=$(date +%s.%N); last=$t0
    while :; do
        size=$(stat -c %s "${CAP_WATCH[@]}" 2>/dev/null | awk '{t += $1} END {print t + 0}')
        now=$(date +%s.%N)
        [ "$size" != "$prev" ] && { prev=$size; last=$now; }
        awk -v n="$now" -v l="$last" -v q="$q" -v t="$t0" -v m="$max" \
            'BEGIN{exit !((n-l)>=q || (n-t)>=m)}' && break
        sleep 0.2
    done
}

# ---------------------------------------------------------------- strongSwan
# side: L or R; writes $WORK/<side>/{strongswan.conf,swanctl/swanctl.conf}
write_config() {
    local s=$1 d name
    name=$([ "$s" = L ] && echo left || echo right)
    d=$WORK/$name
    mkdir -p "$d/swanctl"/{x509,x509ca,private,rsa,ecdsa,pkcs8,pkcs12,pubkey,conf.d} "$d/empty"
    v() { eval "echo \"\${${s}_$1}\""; }
    cat > "$d/strongswan.conf" <<CONF
charon {
    load_modular = no
    load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints hmac sha1 sha2 md5 aes gmp curve25519 xauth-generic $([ "$(v KERNEL)" = libipsec ] && echo kernel-libipsec) kernel-netlink socket-default vici updown$([ "$(v VERSION)" = 2 ] && echo " kdf")
    retransmit_timeout = 1
    retransmit_base = 1.4
    retransmit_tries = 3
    keep_alive = $(v KEEPALIVE)
    i_dont_care_about_security_and_use_aggressive_mode_psk = $(v AGGR_PSK_OK)
$(v CHARON_EXTRA)
    plugins {
        kernel-libipsec { load = $([ "$(v KERNEL)" = libipsec ] && echo yes || echo no) }
    }
    syslog { }
    filelog {
        main {
            path = $d/charon.log
            time_format = %T
            time_precision = ms
            ike_name = yes
            append = no
            flush_line = yes
            default = 1
            ike = 4
            cfg = 1
            net = 1
            enc = 1
            knl = 1
            job = 0
            lib = 1
        }
    }
}
CONF
    {
        cat <<CONF
connections {
    ikediag {
        version = $(v VERSION)
        aggressive = $(v AGGRESSIVE)
        local_addrs = $(v LOCAL_ADDRS)
        remote_addrs = $(v REMOTE_ADDRS)
        proposals = $(v IKE_PROP)
        rekey_time = $(v IKE_REKEY)
        dpd_delay = $(v DPD_DELAY)
        dpd_timeout = 6s
$(v CONN_EXTRA)
        local {
            auth = $(v AUTH)
            id = $(v LOCAL_ID)
$(v LOCAL_EXTRA)
        }
        remote {
            auth = $(v REMOTE_AUTH)
            id = $(v REMOTE_ID)
$(v REMOTE_EXTRA)
        }
$(v EXTRA_AUTH)
        children {
            net {
                local_ts = $(v TS_LOCAL)
                remote_ts = $(v TS_REMOTE)
                esp_proposals = $(v ESP_PROP)
                mode = $(v MODE)
                rekey_time = $(v CHILD_REKEY)
                dpd_action = $(v DPD_ACTION)
$(v CHILD_EXTRA)
            }
$(v EXTRA_CHILDREN)
        }
    }
}
secrets {
CONF
        if [ -n "$(v SECRET_IDS)" ] && [ "$(v SECRET_IDS)" != none ]; then
            echo "    ike-psk {"
            local i=0
            for id in $(v SECRET_IDS); do i=$((i+1)); echo "        id-$i = $id"; done
            echo "        secret = \"$(v PSK)\""
            echo "    }"
        fi
        v SECRETS
        echo "}"
    } > "$d/swanctl/swanctl.conf"
    unset -f v
}

start_charon() {  # L|R
    local s=$1 name ns
    name=$([ "$s" = L ] && echo left || echo right)
    ns=$([ "$s" = L ] && echo $NS_L || echo $NS_R)
    local d=$WORK/$name
    # own mount namespace: private /run (pid file, charon.vici), /etc/swanctl, strongswan.conf
    # ip netns exec -> unshare -> sh -> charon all exec in place, so $! is charon's pid
    ip netns exec $ns unshare -m --propagation private sh -c "
        mount -t tmpfs tmpfs /run &&
        mount --bind '$d/swanctl' /etc/swanctl &&
        mount --bind '$d/strongswan.conf' /etc/strongswan.conf &&
        mount --bind '$d/empty' /etc/strongswan.d &&
        exec $(shim_env $s) $CHARON" >"$d/charon.out" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    eval "${s}_PID=$pid"
    for _ in $(seq 100); do
        sw $s --stats >/dev/null 2>&1 && break; sleep 0.1
    done
    sw $s --load-all --noprompt >>"$d/swanctl.out" 2>&1 || log "load-all $name failed"
}

# run swanctl inside a side's namespaces: sw L|R args...
sw() {
    local s=$1; shift
    local pid; pid=$(eval echo "\${${s}_PID}")
    nsenter -t "$pid" -m -n swanctl "$@"
}

stop_charon() {  # L|R  (SIGKILL: the daemon just dies, nothing on the wire)
    local pid; pid=$(eval echo "\${${1}_PID}")
    kill -9 "$pid"; wait "$pid" 2>/dev/null
}

initiate() {  # side child [timeout]; runs in background, sets INIT_PID
    local s=$1 child=$2 t=${3:-20}
    sw $s --initiate --child "$child" --timeout "$t" >>"$WORK/initiate.$s.out" 2>&1 &
    INIT_PID=$!
}

child_up() {  # side child
    sw $1 --list-sas >"$WORK/list-sas.$1.out" 2>&1
    grep -q "^  *$2: .*INSTALLED" "$WORK/list-sas.$1.out"
}

ping_tunnel() {  # [count] three ICMP echoes 192.0.2.1 -> 192.0.2.129 through the tunnel
    nx $NS_L python3 "$GEN_DIR/ping.py" 192.0.2.1 192.0.2.129 "${1:-3}" >>"$WORK/ping.out" 2>&1 || log "ping failed"
}

# default flow: both daemons up, left initiates, ping if the tunnel is up, wait for silence
scenario_flow() {
    start_daemon L
    [ "$R_RUN" = yes ] && start_daemon R
    initiate_any L 20
    wait "$INIT_PID"
    # ESP only flows when both sides run kernel-libipsec (the shim installs nothing)
    if [ "$PING" = yes ] && [ "$L_IMPL$L_KERNEL$R_IMPL$R_KERNEL" = strongswanlibipsecstrongswanlibipsec ] &&
       child_up L net; then sleep 0.5; ping_tunnel; fi
    if [ -n "${FINAL_WAIT:-}" ]; then sleep "$FINAL_WAIT"; else wait_quiet $TAIL 40; fi
}

# ---------------------------------------------------------------- outputs
# keys: "Ka" hex dumps from both logs, paired with the initiator cookies in the capture
extract_ka() {  # logfile -> one hex key per line
    awk '
        /encryption key Ka => [0-9]+ bytes/ { match($0, /=> [0-9]+ bytes/); n = substr($0, RSTART+3, RLENGTH-9) + 0; key=""; want=n; next }
        want > 0 {
            line=$0; sub(/^.*\[IKE\] */, "", line); sub(/^[^:]*[0-9]+: /, "", line)
            k = split(line, t, " "); c = 0
            for (i = 1; i <= k && want > 0 && c < 16; i++) if (t[i] ~ /^[0-9A-Fa-f][0-9A-Fa-f]$/) { key = key tolower(t[i]); want--; c++ }
            if (want == 0) print key
        }' "$1"
}

write_keys() {
    local keys cookies out=$OUT_DIR/$SCEN.keys
    keys=$( ([ -f "$WORK/left/charon.log" ] && extract_ka "$WORK/left/charon.log"; [ -f "$WORK/right/charon.log" ] && extract_ka "$WORK/right/charon.log") | awk '!s[$0]++')
    cookies=$(tshark -r "$CAP_FILE" -Y 'isakmp && isakmp.version == 0x10 && isakmp.rspi == 00:00:00:00:00:00:00:00' -T fields -e isakmp.ispi 2>/dev/null | awk '!s[$0]++')
    : > "$out"
    local c k best bestn n
    for c in $cookies; do
        best= bestn=0
        for k in $keys; do
            n=$(tshark -r "$CAP_FILE" -o "uat:ikev1_decryption_table:$c,$k" \
                -Y "isakmp.ispi == $c && (isakmp.hash || isakmp.notify.msgtype || isakmp.id.type)" \
                -T fields -e frame.number 2>/dev/null | wc -l)
            # a wrong key never yields parseable hash/id payloads in encrypted frames;
            # compare against the no-key baseline
            if [ "$n" -gt "$bestn" ]; then best=$k bestn=$n; fi
        done
        local base
        base=$(tshark -r "$CAP_FILE" -Y "isakmp.ispi == $c && (isakmp.hash || isakmp.notify.msgtype || isakmp.id.type)" -T fields -e frame.number 2>/dev/null | wc -l)
        if [ -n "$best" ] && [ "$bestn" -gt "$base" ]; then
            echo "$c,$best" >> "$out"
        else
            log "no working key for cookie $c"
        fi
    done
    write_ikev2_keys "$out"
    [ -s "$out" ] || rm -f "$out"
}

# IKEv2: charon logs SK_ai, SK_ar, SK_ei, SK_er (in that order) at `ike` level 4, after
# the "selected proposal: IKE:..." line of the exchange that made them (IKE_SA_INIT, or the
# CREATE_CHILD_SA of an IKE SA rekey).  One line per key set:
#   ENCR INTEG SK_EI SK_ER SK_AI SK_AR   (strongSwan's algorithm names, hex keys, "-" for none)
extract_ikev2_keys() {  # logfile
    awk '
        function hexbytes(line,   k, t, i, c) {
            sub(/^.*\[IKE\] *(<[^>]*> *)?/, "", line); sub(/^ *[0-9]+: /, "", line)
            k = split(line, t, " "); c = 0
            for (i = 1; i <= k && want > 0 && c < 16; i++) if (t[i] ~ /^[0-9A-Fa-f][0-9A-Fa-f]$/) { key[cur] = key[cur] tolower(t[i]); want--; c++ }
        }
        function done_one() { if (cur == "er") print encr, integ, k_or_dash("ei"), k_or_dash("er"), k_or_dash("ai"), k_or_dash("ar") }
        function k_or_dash(n) { return key[n] == "" ? "-" : key[n] }
        /selected proposal: IKE:/ {
            p = $0; sub(/^.*IKE:/, "", p); n = split(p, a, "/")
            encr = a[1]; integ = (a[2] ~ /^PRF_/) ? "NONE" : a[2]; next
        }
        /Sk_(ai|ar|ei|er) secret => [0-9]+ bytes/ {
            match($0, /Sk_[a-z][a-z]/); cur = substr($0, RSTART+3, 2)
            if (cur == "ai") { delete key }
            match($0, /=> [0-9]+ bytes/); want = substr($0, RSTART+3, RLENGTH-9) + 0; key[cur] = ""
            if (want == 0) done_one()
            next
        }
        want > 0 { hexbytes($0); if (want == 0) done_one() }' "$1"
}

ikev2_alg_name() {  # strongSwan name -> the value string of Wireshark 4.0's ikev2_decryption_table
    case $1 in
    AES_CBC_128) echo "AES-CBC-128 [RFC3602]" ;; AES_CBC_192) echo "AES-CBC-192 [RFC3602]" ;;
    AES_CBC_256) echo "AES-CBC-256 [RFC3602]" ;; 3DES_CBC) echo "3DES [RFC2451]" ;;
    AES_CTR_128) echo "AES-CTR-128 [RFC5930]" ;; AES_CTR_192) echo "AES-CTR-192 [RFC5930]" ;;
    AES_CTR_256) echo "AES-CTR-256 [RFC5930]" ;;
    AES_GCM_16_128) echo "AES-GCM-128 with 16 octet ICV [RFC5282]" ;;
    AES_GCM_16_256) echo "AES-GCM-256 with 16 octet ICV [RFC5282]" ;;
    NONE) echo "NONE [RFC4306]" ;;
    HMAC_MD5_96) echo "HMAC_MD5_96 [RFC2403]" ;; HMAC_SHA1_96) echo "HMAC_SHA1_96 [RFC2404]" ;;
    HMAC_SHA2_256_128) echo "HMAC_SHA2_256_128 [RFC4868]" ;;
    HMAC_SHA2_384_192) echo "HMAC_SHA2_384_192 [RFC4868]" ;;
    HMAC_SHA2_512_256) echo "HMAC_SHA2_512_256 [RFC4868]" ;;
    *) return 1 ;;
    esac
}

# one ikev2_decryption_table line per IKEv2 SPI pair with encrypted frames, appended to $1:
#   ISPI,RSPI,SK_EI,SK_ER,"ENCR",SK_AI,SK_AR,"INTEG"
# the key set is the one under which tshark decrypts that pair's frames and finds every
# Integrity Checksum Data correct (a wrong key set fails the ICD check)
write_ikev2_keys() {
    local out=$1 sets pairs pair i r set line n bad best
    sets=$( ([ -f "$WORK/left/charon.log" ] && extract_ikev2_keys "$WORK/left/charon.log"; [ -f "$WORK/right/charon.log" ] && extract_ikev2_keys "$WORK/right/charon.log") | awk '!s[$0]++')
    [ -n "$sets" ] || return 0
    pairs=$(tshark -r "$CAP_FILE" -Y 'isakmp.version == 0x20 && (isakmp.nextpayload == 46 || isakmp.nextpayload == 53)' \
        -T fields -e isakmp.ispi -e isakmp.rspi 2>/dev/null | awk '!s[$0]++' | tr '\t' ,)
    for pair in $pairs; do
        i=${pair%,*} r=${pair#*,} best=
        while read -r encr integ ei er ai ar; do
            local we wi
            we=$(ikev2_alg_name "$encr") && wi=$(ikev2_alg_name "$integ") || { log "IKEv2 algorithms $encr/$integ: no Wireshark name"; continue; }
            [ "$ai" = - ] && ai= ; [ "$ar" = - ] && ar=
            line="$i,$r,$ei,$er,\"$we\",$ai,$ar,\"$wi\""
            n=$(tshark -r "$CAP_FILE" -o "uat:ikev2_decryption_table:$line" \
                -Y "isakmp.ispi == $i && isakmp.rspi == $r && isakmp.enc.decrypted && !isakmp.ikev2.integrity_checksum" \
                -T fields -e frame.number 2>/dev/null | wc -l)
            bad=$(tshark -r "$CAP_FILE" -o "uat:ikev2_decryption_table:$line" \
                -Y "isakmp.ispi == $i && isakmp.rspi == $r && isakmp.ikev2.integrity_checksum" \
                -T fields -e frame.number 2>/dev/null | wc -l)
            if [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]; then best=$line; break; fi
        done <<< "$sets"
        if [ -n "$best" ]; then echo "$best" >> "$out"; else log "no working IKEv2 keys for SPIs $i/$r"; fi
    done
}

trim_log() {  # in out: drop hex dumps except the Ka dump, drop noise
    awk '
        /encryption key Ka =>/ || /Sk_(ai|ar|ei|er) secret =>/ { print; keep=1; next }
        / [0-9]+: [0-9A-F][0-9A-F] / || /\]  *[0-9]+: [0-9A-F][0-9A-F]/ { if (keep) print; next }
        { keep=0 }
        / => [0-9]+ bytes @/ { next }
        /loaded plugins|loading |plugin .* failed|feature .* failed/ { next }
        { print }' "$1" | cut -c1-300 > "$2"
}

finish_outputs() {
    cp "$CAP_FILE" "$OUT_DIR/$SCEN.$CAP_EXT"
    write_keys
    for n in left right; do
        if [ -f "$WORK/$n/charon.log" ]; then
            trim_log "$WORK/$n/charon.log" "$OUT_DIR/logs/$SCEN.$n.log"
        elif [ -f "$WORK/$n/pluto.log" ]; then
            trim_pluto_log "$WORK/$n/pluto.log" "$OUT_DIR/logs/$SCEN.$n.log"
        else
            echo "# no daemon ran on $n in this scenario" > "$OUT_DIR/logs/$SCEN.$n.log"
        fi
        # what the XFRM shim rewrote (the daemon's stderr), so the log says so
        cat "$WORK/$n/charon.out" "$WORK/$n/pluto.out" 2>/dev/null | grep '^xfrm-ack-shim:' |
            sed 's/^/# (daemon stderr) /' >> "$OUT_DIR/logs/$SCEN.$n.log"
    done
}

# derived capture: a slice of another (already generated) capture, made with editcap
run_derived() {
    local src=$OUT_DIR/$DERIVED_FROM.pcap
    [ -f "$src" ] || { log "needs $DERIVED_FROM.pcap first"; return 1; }
    editcap -r "$src" "$OUT_DIR/$SCEN.pcap" "$EDITCAP_KEEP"   # keep only these frames
    [ -f "$OUT_DIR/$DERIVED_FROM.keys" ] && cp "$OUT_DIR/$DERIVED_FROM.keys" "$OUT_DIR/$SCEN.keys"
    for n in left right; do
        echo "# derived capture: see logs/$DERIVED_FROM.$n.log ($SCEN.pcap = editcap -r $DERIVED_FROM.pcap $SCEN.pcap $EDITCAP_KEEP)" > "$OUT_DIR/logs/$SCEN.$n.log"
    done
    log "derived from $DERIVED_FROM: $(tshark -r "$OUT_DIR/$SCEN.pcap" 2>/dev/null | wc -l) frames"
}

run_scenario() {  # path to scenarios/NAME.sh
    SCEN=$(basename "$1" .sh)
    WORK=$(mktemp -d /tmp/ikediag-gen.XXXXXX)
    trap 'cleanup; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
    trap 'exit 1' INT TERM
    set_defaults
    # shellcheck disable=SC1090
    . "$1"
    if [ -n "${DERIVED_FROM:-}" ]; then run_derived; return; fi
    set_addresses
    setup_net
    for side in L R; do
        if [ "$(eval echo "\${${side}_IMPL}")" = libreswan ]; then write_ls_config $side; else write_config $side; fi
    done
    declare -F prepare >/dev/null && prepare
    start_capture
    scenario_flow
    stop_capture
    CAP_EXT=$([ "$CAPTURE" = both ] && echo pcapng || echo pcap)
    finish_outputs
    log "done: $(tshark -r "$OUT_DIR/$SCEN.$CAP_EXT" 2>/dev/null | wc -l) frames"
}
