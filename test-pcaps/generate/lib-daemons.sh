# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by lib.sh: the choice of daemon per side (strongSwan or libreswan) and of
# strongSwan's IPsec backend, the XFRM shim, and libreswan's pluto in namespaces.
#
#   S_IMPL=strongswan|libreswan   (S = L or R; default strongswan)
#   S_KERNEL=libipsec|netlink     strongSwan only (default libipsec).  libipsec: userspace
#       ESP over a TUN device, but strongSwan then fakes NAT-D to force UDP encapsulation
#       (every capture reads "NAT detected").  netlink: the kernel backend with the
#       xfrm-ack-shim preloaded: honest NAT-D, MM#5 stays on UDP 500 without a NAT, and no
#       ESP can flow (this kernel has no ESP module; the shim only makes the daemon believe
#       its SA was installed).  libreswan always runs like netlink, with the shim.
#   S_SHIM=no   no shim: the kernel's EPROTONOSUPPORT reaches the daemon (an SA it cannot install)
#   S_LS_IKE, S_LS_ESP, S_LS_PFS, S_LS_EXTRA   libreswan `ike=`, `phase2alg=`, `pfs=`, raw conn lines
#   S_LS_SETUP   raw `config setup` lines for libreswan (e.g. ddos-mode=busy), default none
#
# libreswan is not installed (the Debian package conflicts with strongSwan's): it is
# unpacked with dpkg -x into $LIBRESWAN_ROOT (get-libreswan.sh does it).  pluto runs in
# the side's network namespace and a private mount namespace (tmpfs /run, its helper
# directory bound over /usr/libexec/ipsec): the host is not touched.

LIBRESWAN_ROOT=${LIBRESWAN_ROOT:-/opt/ikediag-libreswan}
LS_LIBEXEC=$LIBRESWAN_ROOT/usr/libexec/ipsec

impl() { eval "echo \"\${${1}_IMPL}\""; }

build_shim() {
    SHIM=$WORK/xfrm-ack-shim.so
    [ -f "$SHIM" ] || gcc -shared -fPIC -O2 -Wall -o "$SHIM" "$GEN_DIR/xfrm-ack-shim.c" -ldl ||
        { log "cannot build the shim"; exit 1; }
}

shim_env() {  # S: the env prefix for the daemon's exec (S_SHIM=no: none, the kernel's error stands)
    [ "$(eval echo "\${${1}_SHIM:-yes}")" = no ] && return 0
    if [ "$(impl "$1")" = libreswan ] || [ "$(eval echo "\${${1}_KERNEL}")" = netlink ]; then
        build_shim; echo "env LD_PRELOAD=$SHIM"
    fi
}

ls_id() {  # an identity in libreswan syntax: addresses as they are, names with @
    case $1 in
    *[!0-9.]*) case $1 in *:*|@*|%*) echo "$1" ;; *) echo "@$1" ;; esac ;;
    *) echo "$1" ;;
    esac
}

write_ls_config() {  # S: $WORK/<side>/{ipsec.conf,ipsec.secrets,nss}
    local s=$1 d name
    name=$([ "$s" = L ] && echo left || echo right)
    d=$WORK/$name
    mkdir -p "$d/nss" "$d/ipsec.d"
    v() { eval "echo \"\${${s}_$1}\""; }
    local raddr; raddr=$(v REMOTE_ADDRS); [ "$raddr" = %any ] && raddr=%any
    cat > "$d/ipsec.conf" <<CONF
config setup
    logfile=$d/pluto.log
    logtime=yes
    logappend=no
    plutodebug=none
    dnssec-enable=no
    ikev1-policy=accept$(ls_setup=$(eval "echo \"\${${s}_LS_SETUP:-}\""); [ -n "$ls_setup" ] && printf '\n%s' "$ls_setup")

conn ikediag
    ikev2=$([ "$(v VERSION)" = 2 ] && echo yes || echo no)
    authby=secret
    left=$(v LOCAL_ADDRS)
    leftid=$(ls_id "$(v LOCAL_ID)")
    leftsubnet=$(v TS_LOCAL)
    right=$raddr
    rightid=$(ls_id "$(v REMOTE_ID)")
    rightsubnet=$(v TS_REMOTE)
    ike=$(v LS_IKE)
    phase2alg=$(v LS_ESP)
    aggressive=$(v AGGRESSIVE)
    type=$(v MODE)
    pfs=$(v LS_PFS)
    rekey=no
    keyingtries=1
    retransmit-interval=1000
    retransmit-timeout=10s
    encapsulation=auto
    auto=add
    leftupdown=/bin/true
$(v LS_EXTRA)
CONF
    : > "$d/ipsec.secrets"
    if [ -n "$(v SECRET_IDS)" ] && [ "$(v SECRET_IDS)" != none ]; then
        local ids="" id
        for id in $(v SECRET_IDS); do ids="$ids $(ls_id "$id")"; done
        echo "${ids# } : PSK \"$(v PSK)\"" >> "$d/ipsec.secrets"
    fi
    chmod 600 "$d/ipsec.secrets"
    certutil -N -d "sql:$d/nss" --empty-password >/dev/null 2>&1 || log "certutil failed for $name"
    unset -f v
}

start_pluto() {  # S
    local s=$1 name ns d
    name=$([ "$s" = L ] && echo left || echo right)
    ns=$([ "$s" = L ] && echo $NS_L || echo $NS_R)
    d=$WORK/$name
    [ -x "$LS_LIBEXEC/pluto" ] || { log "no libreswan in $LIBRESWAN_ROOT (run generate/get-libreswan.sh)"; exit 1; }
    ip netns exec $ns unshare -m --propagation private sh -c "
        mount -t tmpfs tmpfs /run && mkdir -p /run/pluto &&
        mount -t tmpfs tmpfs /usr/libexec && mkdir /usr/libexec/ipsec &&
        mount --bind '$LS_LIBEXEC' /usr/libexec/ipsec &&
        exec $(shim_env $s) /usr/libexec/ipsec/pluto --nofork --config '$d/ipsec.conf' \
            --secretsfile '$d/ipsec.secrets' --nssdir '$d/nss' --ipsecdir '$d/ipsec.d' \
            --rundir /run/pluto --logfile '$d/pluto.log' --no-dnssec --nhelpers 1" >"$d/pluto.out" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    eval "${s}_PID=$pid"
    for _ in $(seq 100); do
        ls_whack $s --status >/dev/null 2>&1 && break; sleep 0.1
    done
    ls_whack $s --listen >>"$d/whack.out" 2>&1
    nsenter -t "$pid" -m -n /usr/libexec/ipsec/addconn --config "$d/ipsec.conf" \
        --ctlsocket /run/pluto/pluto.ctl ikediag >>"$d/whack.out" 2>&1 || log "addconn $name failed"
}

ls_whack() {  # S args...: whack in a side's namespaces
    local s=$1; shift
    local pid; pid=$(eval echo "\${${s}_PID}")
    nsenter -t "$pid" -m -n /usr/libexec/ipsec/whack --ctlsocket /run/pluto/pluto.ctl "$@"
}

start_daemon() {  # S
    if [ "$(impl "$1")" = libreswan ]; then start_pluto "$1"; else start_charon "$1"; fi
}

initiate_any() {  # S [timeout]: strongSwan child `net` / libreswan conn `ikediag`, in background
    local s=$1 t=${2:-20}
    if [ "$(impl "$s")" = libreswan ]; then
        timeout "$t" bash -c "$(declare -f ls_whack); ${s}_PID=$(eval echo "\${${s}_PID}"); ls_whack $s --name ikediag --initiate" \
            >>"$WORK/initiate.$s.out" 2>&1 &
        INIT_PID=$!
    else
        initiate "$s" net "$t"
    fi
}

trim_pluto_log() {  # in out
    grep -v -e 'loading secrets' -e 'NSS crypto' -e 'FIPS' -e '^.*listening for IKE' "$1" | cut -c1-300 > "$2"
}
