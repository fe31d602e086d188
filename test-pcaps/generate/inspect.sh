#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Print what a capture holds, for writing MANIFEST by hand:
#   test-pcaps/generate/inspect.sh NAME
# Columns: frame time src sport dport exch flags msgid icky rcky | payloads (no keys) |
#          payloads,notify (with NAME.keys) | dup=N if the ISAKMP bytes equal frame N's
dir=$(cd "$(dirname "$0")/.." && pwd)
n=$1 pcap=$dir/$1.pcap
cfg=$(mktemp -d)
# NAME.keys: IKEv1 lines have 2 fields (ikev1_decryption_table), IKEv2 lines 8 (ikev2_decryption_table)
if [ -f "$dir/$n.keys" ]; then
    awk -F, 'NF == 2' "$dir/$n.keys" > "$cfg/ikev1_decryption_table"
    awk -F, 'NF == 8' "$dir/$n.keys" > "$cfg/ikev2_decryption_table"
fi
F="-e frame.number -e frame.time_relative -e ip.src -e ipv6.src -e udp.srcport -e udp.dstport -e isakmp.exchangetype -e isakmp.flags -e isakmp.messageid -e isakmp.ispi -e isakmp.rspi -e isakmp.typepayload"
paste -d'|' \
  <(tshark -r "$pcap" -T fields -E separator=' ' $F -e _ws.col.Protocol 2>/dev/null) \
  <(WIRESHARK_CONFIG_DIR=$cfg tshark -r "$pcap" -T fields -E separator=' ' -e isakmp.typepayload -e isakmp.notify.msgtype -e isakmp.delete.spi -e _ws.malformed 2>/dev/null) \
  <(tshark -r "$pcap" -T fields -e udp.payload 2>/dev/null | awk '
      { p=$0; if (substr(p,1,8)=="00000000") p=substr(p,9)
        if (length(p) < 56) { print ""; next }   # ESP / keepalive / not ISAKMP
        if (p in seen) print "dup=" seen[p]; else { seen[p]=NR; print "" } }')
rm -rf "$cfg"
