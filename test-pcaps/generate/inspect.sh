#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Print what a capture holds, for writing MANIFEST by hand:
#   test-pcaps/generate/inspect.sh NAME
# Columns: frame time src sport dport exch flags msgid icky rcky | payloads (no keys) |
#          payloads,notify (with NAME.keys) | dup=N if the ISAKMP bytes equal frame N's
# A two-point capture (NAME.pcapng) gets the interface name after the frame number, and
# dup=N only for a frame N at the same capture point (generate/pair-copies.py pairs the points).
dir=$(cd "$(dirname "$0")/.." && pwd)
n=$1 pcap=$dir/$1.pcap
[ -f "$pcap" ] || pcap=$dir/$1.pcapng
cfg=$(mktemp -d)
# NAME.keys: IKEv1 lines have 2 fields (ikev1_decryption_table), IKEv2 lines 8 (ikev2_decryption_table)
if [ -f "$dir/$n.keys" ]; then
    awk -F, 'NF == 2' "$dir/$n.keys" > "$cfg/ikev1_decryption_table"
    awk -F, 'NF == 8' "$dir/$n.keys" > "$cfg/ikev2_decryption_table"
fi
IF=; case $pcap in *.pcapng) IF="-e frame.interface_name" ;; esac
F="-e frame.number $IF -e frame.time_relative -e ip.src -e ipv6.src -e udp.srcport -e udp.dstport -e isakmp.exchangetype -e isakmp.flags -e isakmp.messageid -e isakmp.ispi -e isakmp.rspi -e isakmp.typepayload"
paste -d'|' \
  <(tshark -r "$pcap" -T fields -E separator=' ' $F -e _ws.col.Protocol 2>/dev/null) \
  <(WIRESHARK_CONFIG_DIR=$cfg tshark -r "$pcap" -T fields -E separator=' ' -e isakmp.typepayload -e isakmp.notify.msgtype -e isakmp.delete.spi -e _ws.malformed 2>/dev/null) \
  <(tshark -r "$pcap" -T fields -e frame.interface_id -e udp.payload 2>/dev/null | awk -F'\t' '
      { p=$2; if (substr(p,1,8)=="00000000") p=substr(p,9)
        if (length(p) < 56) { print ""; next }   # ESP / keepalive / not ISAKMP
        k = $1 SUBSEP p
        if (k in seen) print "dup=" seen[k]; else { seen[k]=NR; print "" } }')
rm -rf "$cfg"
