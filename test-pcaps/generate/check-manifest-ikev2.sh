#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Consistency check of MANIFEST's IKEv2 blocks (v2-*) against the captures, with stock tshark
# only (no ikediag plugin).  It checks that
#   - every v2-*.pcap has a block and every block a capture,
#   - the `frame` lines are exactly the ISAKMP frames (not ICMP quotes), each with the
#     label its header gives (exchange type 34/35/36/37 -> SA_INIT/AUTH/CHILD/INFO,
#     R flag -> #2), the role of its I flag, its Message ID, and `resend` exactly on UDP
#     payloads (after any non-ESP marker) equal to an earlier frame's at the same capture
#     point (interface: the two-point captures 2p-v2-* have two),
#   - the `notify` lines are exactly the error notifies (type below 16384) and COOKIEs
#     tshark shows, `clear` without the keys, `keys` only with them,
#   - the keys file exists when named, and every encrypted frame (SK or SKF) decrypts with
#     it with a correct Integrity Checksum Data; `keys -` only when no frame is encrypted,
#   - `exchange` lines use the documented outcomes, stalls and causes,
#   - `offered`/`chosen` lines are the first proposal of each SA's IKE_SA_INIT request and
#     answer (generate/natd.py --v2-proposals), in the one-point captures (v2-*.pcap).
#   test-pcaps/generate/check-manifest-ikev2.sh [v2-NAME.pcap... 2p-v2-NAME.pcapng...]
set -u
dir=$(cd "$(dirname "$0")/.." && pwd)
man=${IKEV2_MANIFEST:-$dir/MANIFEST}
command -v tshark >/dev/null || { echo "check-manifest-ikev2: tshark is not installed" >&2; exit 1; }

frames_from_capture() {  # pcap keydir: the frame and notify lines the capture implies
    local pcap=$1 cfg=$2 sel='isakmp && !icmp && !icmpv6'
    paste <(tshark -r "$pcap" -Y "$sel" -T fields -e frame.number -e isakmp.exchangetype -e isakmp.flag_i \
                -e isakmp.flag_r -e isakmp.messageid 2>/dev/null) \
          <(tshark -r "$pcap" -Y "$sel" -T fields -e frame.interface_id -e udp.payload 2>/dev/null | awk -F'\t' '{ p = $2
                if (substr(p, 1, 8) == "00000000") p = substr(p, 9)
                if (($1, p) in s) print "resend"; else { s[$1, p] = 1; print "-" } }') \
          <(tshark -r "$pcap" -Y "$sel" -T fields -E occurrence=a -E aggregator=, -e isakmp.notify.msgtype 2>/dev/null) \
          <(WIRESHARK_CONFIG_DIR=$cfg tshark -r "$pcap" -Y "$sel" -T fields -E occurrence=a -E aggregator=, \
                -e isakmp.notify.msgtype 2>/dev/null) |
    awk -F'\t' '
        BEGIN { ex[34] = "SA_INIT"; ex[35] = "AUTH"; ex[36] = "CHILD"; ex[37] = "INFO" }
        function yes(v) { return v == "1" || v == "True" }
        {
            lab = ($2 in ex ? ex[$2] : "?" $2) (yes($4) ? "#2" : "#1")
            printf "frame %s %s %s%s msgid %d\n", $1, lab, yes($3) ? "initiator" : "responder", $6 == "resend" ? " resend" : "", $5
            split("", clear); n = split($7, c, ","); for (i = 1; i <= n; i++) clear[c[i]] = 1
            n = split($8, k, ",")
            for (i = 1; i <= n; i++) if (k[i] != "" && (k[i] + 0 < 16384 || k[i] + 0 == 16390))
                printf "notify %s %s %s\n", $1, k[i], (k[i] in clear) ? "clear" : "keys"
        }'
}

check_one() {
    local cap=$1 rc=0 block keys cfg want have enc ok
    err() { echo "$cap: $*"; rc=1; }
    [ -f "$dir/$cap" ] || { err "missing capture"; return 1; }
    block=$(awk -v c="$cap" '$1=="capture"{on=($2==c)} on' "$man")
    [ -n "$block" ] || { err "no block in MANIFEST"; return 1; }
    keys=$(echo "$block" | awk '$1=="keys"{print $2}')
    cfg=$(mktemp -d)
    if [ "$keys" != - ]; then
        [ -f "$dir/$keys" ] || err "missing keys file $keys"
        [ -f "$dir/$keys" ] && awk -F, 'NF == 8' "$dir/$keys" > "$cfg/ikev2_decryption_table"
    fi
    want=$(frames_from_capture "$dir/$cap" "$cfg")
    # notify lines: compare code and clear/keys (the NAME is the reader's)
    have=$(echo "$block" | awk '$1=="frame"{print} $1=="notify"{print $1, $2, $3, $5}')
    diff <(echo "$want" | sort) <(echo "$have" | sort) >/dev/null ||
        err "frame/notify lines differ from the capture (< capture, > draft):
$(diff <(echo "$want" | sort -V) <(echo "$have" | sort -V) | grep '^[<>]')"
    enc=$(tshark -r "$dir/$cap" -Y 'isakmp && !icmp && (isakmp.nextpayload == 46 || isakmp.nextpayload == 53)' \
        -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
    ok=$(WIRESHARK_CONFIG_DIR=$cfg tshark -r "$dir/$cap" -Y 'isakmp && !icmp && isakmp.enc.decrypted && !isakmp.ikev2.integrity_checksum && !_ws.malformed' \
        -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
    [ "$enc" = "$ok" ] || err "encrypted frames [$enc] but decrypted with a correct checksum [$ok]"
    [ "$keys" != - ] || [ -z "$enc" ] || err "keys - but encrypted frames [$enc]"
    # IKE_SA_INIT's proposals, offered and chosen (the first proposal), one capture point only
    if [[ $cap == v2-*.pcap ]]; then
        local props mprops
        props=$(python3 "$(dirname "$0")/natd.py" --v2-proposals "$dir/$cap" | sort) || err "natd.py failed"
        mprops=$(echo "$block" | awk '$1=="offered" || $1=="chosen"' | sort)
        [ "$props" = "$mprops" ] || err "IKE_SA_INIT carries [$props] but MANIFEST [$mprops]"
    fi
    echo "$block" | awk -v cap="$cap" '
        function verdict(o, s, c) {  # a documented outcome, stall point and cause
            return o ~ /^(complete|stalled|cut|orphan|none)$/ && s ~ /^(SA_INIT#2|AUTH#1|AUTH#2|CHILD#2|INFO#2|-)$/ &&
                c ~ /^(no-response|ike-proposal|dh-group|cookie-ignored|auth-failed|auth-missing|ts-unacceptable|child-proposal|rekey-refused|fragments-dropped|auth-no-response|reply-lost|nat-t-blocked|dead-peer|unclassified|-)$/ &&
                ((o == "complete") == (s == "-"))
        }
        $1 == "exchange" {
            ok = (NF == 6 || NF == 7) && $2 ~ /^[0-9]+$/ && $3 ~ /^(SA_INIT[0-9]*|AUTH[0-9]*|CHILD[0-9]+|INFO[0-9]+|INTER[0-9]+)$/ &&
                verdict($4, $5, $6)
            if (NF == 7 && index($7, "/")) { n = split($7, k, "/"); ok = ok && n == 3 && verdict(k[1], k[2], k[3]) }
            else if (NF == 7) ok = ok && $7 != "-" && verdict($4, $5, $7)   # a cause with keys only
            if (!ok) { print cap ": bad exchange line: " $0; bad = 1 }
        }
        $1 == "evidence" && (NF < 4 || $2 !~ /^[0-9]+$/) { print cap ": bad evidence line: " $0; bad = 1 }
        $1 == "rekey" && (NF != 4 || $3 != "of") { print cap ": bad rekey line: " $0; bad = 1 }
        $1 == "notify" && NF != 5 { print cap ": bad notify line: " $0; bad = 1 }
        END { exit bad }' || rc=1
    rm -rf "$cfg"
    return $rc
}

if [ $# -eq 0 ]; then
    set -- $(cd "$dir" && ls v2-*.pcap 2p-v2-*.pcapng 2>/dev/null)
    for c in $(awk '$1=="capture" && $2 ~ /^(2p-)?v2-/{print $2}' "$man"); do
        [ -f "$dir/$c" ] || { echo "$c: block without capture"; fail=1; }
    done
fi
rc=${fail:-0}
for cap in "$@"; do check_one "$cap" || rc=1; done
[ $rc = 0 ] && echo "check-manifest-ikev2: $# captures consistent with MANIFEST"
exit $rc
