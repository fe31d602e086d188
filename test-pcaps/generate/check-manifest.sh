#!/bin/bash
# Consistency check of MANIFEST against the captures (not a diagnosis: it only checks
# that every ISAKMP frame has a line, that `resend` matches byte-identical payloads,
# that the keys file exists and decrypts, and that the line syntax is right).
#   test-pcaps/generate/check-manifest.sh
dir=$(cd "$(dirname "$0")/.." && pwd)
rc=0
err() { echo "$cap: $*"; rc=1; }
caps=$(awk '$1=="capture"{print $2}' "$dir/MANIFEST")
for cap in $caps; do
    n=${cap%.pcap}
    [ -f "$dir/$cap" ] || { err "missing capture"; continue; }
    block=$(awk -v c="$cap" '$1=="capture"{on=($2==c)} on' "$dir/MANIFEST")
    keys=$(echo "$block" | awk '$1=="keys"{print $2}')
    [ "$keys" = - ] || [ -f "$dir/$keys" ] || err "missing keys file $keys"
    # ISAKMP frames: isakmp present, not inside an ICMP error
    want=$(tshark -r "$dir/$cap" -Y 'isakmp && !icmp && !icmpv6' -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
    have=$(echo "$block" | awk '$1=="frame"{printf "%s ", $2}')
    [ "$want" = "$have" ] || err "ISAKMP frames [$want] but MANIFEST lists [$have]"
    # resends: byte-identical UDP payload after the non-ESP marker
    dups=$(tshark -r "$dir/$cap" -Y 'isakmp && !icmp && !icmpv6' -T fields -e frame.number -e udp.payload 2>/dev/null |
        awk '{p=$2; if (substr(p,1,8)=="00000000") p=substr(p,9); if (p in s) printf "%s ", $1; s[p]=1}')
    mdups=$(echo "$block" | awk '$1=="frame" && $5=="resend"{printf "%s ", $2}')
    [ "$dups" = "$mdups" ] || err "resends on the wire [$dups] but MANIFEST [$mdups]"
    echo "$block" | awk '
        $1=="frame" && !($3 ~ /^(MM#[1-6]|AM#[1-3]|QM#[1-3]|INFO|TXN)$/ && $4 ~ /^(initiator|responder)$/ && (NF==4 || (NF==5 && $5=="resend"))) {print "bad frame line: " $0}
        $1=="exchange" && !($3 ~ /^(MM|AM|QM[0-9]+)$/ && $4 ~ /^(complete|stalled|cut|orphan)$/ && (NF==6 || NF==7)) {print "bad exchange line: " $0}' |
        while read -r l; do err "$l"; done
    # keys decrypt: every first copy of an encrypted frame of a keyed SA shows payloads
    if [ "$keys" != - ]; then
        cfg=$(mktemp -d); cp "$dir/$keys" "$cfg/ikev1_decryption_table"
        bad=$(WIRESHARK_CONFIG_DIR=$cfg tshark -r "$dir/$cap" -Y 'isakmp && !icmp && isakmp.flags & 1' -T fields \
              -e frame.number -e isakmp.ispi -e isakmp.typepayload -e _ws.malformed 2>/dev/null |
              awk -F'\t' -v k="$(cut -d, -f1 "$dir/$keys" | tr '\n' ' ')" -v d=" $dups" '
                 index(" " k, " " $2 " ") && !index(d, " " $1 " ") && ($3=="" || $4!="") {printf "%s ", $1}')
        rm -rf "$cfg"
        [ -z "$bad" ] && echo "$cap: ok" || echo "$cap: encrypted frames not decrypted with keys: $bad"
    else
        echo "$cap: ok (no keys)"
    fi
done
for p in "$dir"/*.pcap; do
    grep -q "^capture $(basename "$p")\$" "$dir/MANIFEST" || { echo "$(basename "$p"): no MANIFEST block"; rc=1; }
done
exit $rc
