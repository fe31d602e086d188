#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Consistency check of MANIFEST against the captures with stock tshark only (no ikediag
# plugin is loaded: this is the check that does not trust the plugin).  It checks that
#   - every ISAKMP frame has a `frame` line and `resend` matches byte-identical payloads
#     seen earlier at the same capture point (interface; one per file but in the two-point
#     captures 2p-*, whose other lines check-manifest-2p.sh checks),
#   - the line syntax is right,
#   - the keys file exists, and the encrypted frames of the SAs it has keys for that
#     tshark cannot decrypt are exactly the `undecrypted` lines (each says why),
#   - `notify` lines are exactly the error notifies (types below 8192) tshark reads in
#     Informationals, without keys (`clear`) and with them only (`keys`),
#   - `nat` lines are exactly what the NAT-D hashes say (generate/natd.py, RFC 3947),
#   - `offered`/`chosen` lines are the first transform of MM#1/AM#1 and MM#2/AM#2,
#   - every capture has a block and every block a capture,
#   - the `esp` and `tunnel` lines (generate/check-manifest-esp.py): every ESP frame has one
#     `esp` line, its child and direction agree with the capture, the `tunnel` states with
#     the `esp` lines.
# Captures are checked in parallel (IKEDIAG_JOBS, default nproc).  Exit 1 on any mismatch.
#   test-pcaps/generate/check-manifest.sh [CAPTURE.pcap...]
set -u
dir=$(cd "$(dirname "$0")/.." && pwd)
gen=$dir/generate
command -v tshark >/dev/null || { echo "check-manifest: tshark is not installed" >&2; exit 1; }

check_one() {
    local cap=$1 rc=0
    err() { echo "$cap: $*"; rc=1; }
    [ -f "$dir/$cap" ] || { err "missing capture"; return 1; }
    local block keys want have dups mdups
    block=$(awk -v c="$cap" '$1=="capture"{on=($2==c)} on' "$dir/MANIFEST")
    keys=$(echo "$block" | awk '$1=="keys"{print $2}')
    [ "$keys" = - ] || [ -f "$dir/$keys" ] || err "missing keys file $keys"
    # one stock tshark run without keys, one with: the natd.py fields, then payload, type, notifies
    local sel='isakmp && !icmp && !icmpv6' plain
    local -a natd_fields=(-e frame.number -e isakmp.ispi -e isakmp.rspi -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst
        -e udp.srcport -e udp.dstport -e isakmp.ike.attr.hash_algorithm -e isakmp.ike.nat_hash -e isakmp.flags)
    plain=$(tshark -r "$dir/$cap" -Y "$sel" -T fields -E occurrence=a -E aggregator=, "${natd_fields[@]}" \
        -e udp.payload -e isakmp.exchangetype -e isakmp.notify.msgtype -e isakmp.ike.attr.encryption_algorithm \
        -e isakmp.ike.attr.key_length -e isakmp.ike.attr.group_description \
        -e isakmp.ike.attr.authentication_method -e frame.interface_id 2>/dev/null) || err "tshark cannot read it"
    # ISAKMP frames: isakmp present, not inside an ICMP error
    want=$(cut -f1 <<<"$plain" | tr '\n' ' ')
    have=$(echo "$block" | awk '$1=="frame"{printf "%s ", $2}')
    [ "$want" != " " ] || err "tshark finds no ISAKMP frame"
    [ "$want" = "$have" ] || err "ISAKMP frames [$want] but MANIFEST lists [$have]"
    # resends: byte-identical UDP payload after the non-ESP marker, at the same capture point
    dups=$(awk -F'\t' '{p=$13; if (substr(p,1,8)=="00000000") p=substr(p,9); k=$20 SUBSEP p; if (k in s) printf "%s ", $1; s[k]=1}' <<<"$plain")
    mdups=$(echo "$block" | awk '$1=="frame" && $5=="resend"{printf "%s ", $2}')
    [ "$dups" = "$mdups" ] || err "resends on the wire [$dups] but MANIFEST [$mdups]"
    local bad_lines
    bad_lines=$(echo "$block" | awk '
        $1=="frame" && !($3 ~ /^(MM#[1-6]|AM#[1-3]|QM#[1-3]|INFO|TXN)$/ && $4 ~ /^(initiator|responder)$/ && (NF==4 || (NF==5 && $5=="resend"))) {print "bad frame line: " $0}
        $1=="exchange" && !($3 ~ /^(MM|AM|QM[0-9]+|TXN[0-9]+)$/ && $4 ~ /^(complete|stalled|cut|orphan|none)$/ && (NF==6 || NF==7)) {print "bad exchange line: " $0}
        $1=="nat" && !(NF==3 && $2 ~ /^[0-9]+$/ && $3 ~ /^(detected|none)$/) {print "bad nat line: " $0}
        $1=="notify" && !(NF==5 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ && $5 ~ /^(clear|keys)$/) {print "bad notify line: " $0}
        $1=="undecrypted" && !($2 ~ /^[0-9]+$/ && $NF !~ /^[0-9]+$/) {print "bad undecrypted line (frames, then why): " $0}
        $1=="evidence" && !(NF>=4 && $2 ~ /^[0-9]+$/ && $3 ~ /^(MM|AM|QM[0-9]+|TXN[0-9]+)$/) {print "bad evidence line: " $0}
        $1 ~ /^(offered|chosen)$/ && !(NF==3 && $2 ~ /^[0-9]+$/) {print "bad " $1 " line: " $0}
        $1=="link" && !(NF==4 && $2 ~ /^[0-9]+$/ && $3 ~ /^(request_in|response_in)$/ && $4 ~ /^([0-9]+|-)$/) {print "bad link line: " $0}')
    [ -z "$bad_lines" ] || while read -r l; do err "$l"; done <<<"$bad_lines"
    # error notifies (types below 8192) in Informationals, readable without keys, and with them
    # columns x (exchange type) and n (notify types) of a run's output
    local errors_awk='$x=="5" {c=split($n, t, ","); for (i=1; i<=c; i++) if (t[i] != "" && t[i] < 8192) printf "%s:%s ", $1, t[i]}'
    local clear keyed="" cfg="" withkeys=""
    clear=$(awk -F'\t' -v x=14 -v n=15 "$errors_awk" <<<"$plain")
    if [ "$keys" != - ] && [ -f "$dir/$keys" ]; then
        cfg=$(mktemp -d); cp "$dir/$keys" "$cfg/ikev1_decryption_table"
        withkeys=$(WIRESHARK_CONFIG_DIR=$cfg tshark -r "$dir/$cap" -Y "$sel" -T fields -E occurrence=a -E aggregator=, \
            -e frame.number -e isakmp.ispi -e isakmp.typepayload -e _ws.malformed -e isakmp.flags \
            -e isakmp.exchangetype -e isakmp.notify.msgtype 2>/dev/null) || err "tshark with keys failed"
        rm -rf "$cfg"
        keyed=$(awk -F'\t' -v x=6 -v n=7 "$errors_awk" <<<"$withkeys" | tr ' ' '\n' | grep -vxF -f <(tr ' ' '\n' <<<"$clear" | grep .) | awk 'NF{printf "%s ", $1}')
    fi
    local mclear mkeyed
    mclear=$(echo "$block" | awk '$1=="notify" && $5=="clear"{printf "%s:%s ", $2, $3}')
    mkeyed=$(echo "$block" | awk '$1=="notify" && $5=="keys"{printf "%s:%s ", $2, $3}')
    [ "$clear" = "$mclear" ] || err "error notifies readable without keys [$clear] but MANIFEST [$mclear]"
    [ "$keyed" = "$mkeyed" ] || err "error notifies readable only with keys [$keyed] but MANIFEST [$mkeyed]"
    # NAT-D, and the phase-1 proposals offered and chosen (first transform)
    local facts nat mnat props mprops
    facts=$(python3 "$gen/natd.py" --fields <<<"$plain") || err "natd.py failed"
    nat=$(awk '$1=="nat"{printf "%s:%s ", $2, $3}' <<<"$facts")
    mnat=$(echo "$block" | awk '$1=="nat"{printf "%s:%s ", $2, $3}')
    [ "$nat" = "$mnat" ] || err "NAT-D hashes say [$nat] but MANIFEST [$mnat] (SA:nat)"
    props=$(awk '$1=="offered" || $1=="chosen"{print $1 ":" $2 ":" $3}' <<<"$facts" | sort | tr '\n' ' ')
    mprops=$(echo "$block" | awk '$1=="offered" || $1=="chosen"{print $1 ":" $2 ":" $3}' | sort | tr '\n' ' ')
    [ "$props" = "$mprops" ] || err "MM#1/MM#2 (AM#1/AM#2) carry [$props] but MANIFEST [$mprops]"
    # keys decrypt: the encrypted frames of a keyed SA tshark cannot read are the `undecrypted` ones
    if [ -n "$cfg" ]; then
        local bad mbad
        bad=$(awk -F'\t' -v k="$(cut -d, -f1 "$dir/$keys" | tr '\n' ' ')" '
                 $5 ~ /^0x[0-9a-f]*[13579bdf]($|,)/ {  # E flag (0x01): encrypted
                     if (index(" " k, " " substr($2, 1, 16) " ") && ($3=="" || $4!="")) printf "%s ", $1 }' <<<"$withkeys")
        mbad=$(echo "$block" | awk '$1=="undecrypted"{for (i=2; i<=NF && $i ~ /^[0-9]+$/; i++) print $i}' | sort -n | awk '{printf "%s ", $1}')
        [ "$bad" = "$mbad" ] || err "encrypted frames the keys do not decrypt [$bad] but MANIFEST undecrypted [$mbad]"
    elif echo "$block" | grep -q '^undecrypted'; then
        err "undecrypted lines without a keys file"
    fi
    [ "$rc" = 0 ] && echo "$cap: ok"
    return $rc
}
export -f check_one
export dir gen

if [ $# -gt 0 ]; then caps="$*"; else caps=$(awk '$1=="capture"{print $2}' "$dir/MANIFEST"); fi
[ -n "$caps" ] || { echo "check-manifest: MANIFEST lists no capture" >&2; exit 1; }
rc=0
# IKEv2 blocks (v2-*, 2p-v2-*) have their own labels and rules: check-manifest-ikev2.sh;
# the two-point captures (2p-*) their own lines besides: check-manifest-2p.sh
v1=$(printf '%s\n' $caps | grep -Ev '^(2p-)?v2-' || true)
v2=$(printf '%s\n' $caps | grep -E '^(2p-)?v2-' || true)
tp=$(printf '%s\n' $caps | grep '^2p-' || true)
[ -z "$v1" ] || printf '%s\n' $v1 | xargs -P "${IKEDIAG_JOBS:-$(nproc)}" -I{} bash -c 'check_one "$1"' _ {} || rc=1
[ -z "$v2" ] || "$(dirname "$0")/check-manifest-ikev2.sh" $v2 || rc=1
[ -z "$tp" ] || "$(dirname "$0")/check-manifest-2p.sh" $tp || rc=1
# the tunnel's life (`esp` and `tunnel` lines), every block: check-manifest-esp.py
python3 "$(dirname "$0")/check-manifest-esp.py" $caps || rc=1
for p in "$dir"/*.pcap "$dir"/*.pcapng; do
    [ -e "$p" ] || continue
    grep -q "^capture $(basename "$p")\$" "$dir/MANIFEST" || { echo "$(basename "$p"): no MANIFEST block"; rc=1; }
done
echo "check-manifest: $(printf '%s\n' $caps | wc -l) captures, $([ $rc = 0 ] && echo ok || echo FAILED)"
exit $rc
