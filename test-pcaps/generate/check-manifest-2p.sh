#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Consistency check of the two-point blocks of MANIFEST (2p-*.pcapng: vleft and vright
# captured at once and merged) against the captures, with stock tshark only (no ikediag
# plugin).  check-manifest.sh (IKEv1) or check-manifest-ikev2.sh (2p-v2-*) check their
# frame lines as for any capture, resends counted per capture point; this checks the rest:
#   - the capture is pcapng and every interface in it (capinfos -I, those without frames
#     too) has exactly one `vantage ID NAME SIDE` line with its name; vleft is the
#     initiator's point, vright the responder's; frame.interface_name agrees on every frame,
#   - exactly one `offset SECONDS` line,
#   - every `copy F G` names two ISAKMP frames at two different interfaces whose UDP
#     payloads (after any non-ESP marker) are byte-identical and whose times, vright's
#     corrected by the offset, are at most 0.2 s apart,
#   - every `lost F` names an ISAKMP frame with no such frame at another interface,
#   - every ISAKMP frame is in exactly one `copy` or `lost` line (so 2 x copies + lost =
#     the block's frame count, which is also checked against its `frame` lines),
#   - every `translated F A B` names a frame of a copy pair, A an address:port F carries
#     and B the one its copy carries in its place,
#   - every `exchange` line has a `where` line for the same SA and exchange, and the other
#     way round, with a documented value.
#   test-pcaps/generate/check-manifest-2p.sh [2p-NAME.pcapng...]
set -u
dir=$(cd "$(dirname "$0")/.." && pwd)
man=${MANIFEST_2P:-$dir/MANIFEST}
command -v tshark >/dev/null || { echo "check-manifest-2p: tshark is not installed" >&2; exit 1; }

check_one() {
    local cap=$1 block
    [ -f "$dir/$cap" ] || { echo "$cap: missing capture"; return 1; }
    block=$(awk -v c="$cap" '$1=="capture"{on=($2==c)} on' "$man")
    [ -n "$block" ] || { echo "$cap: no block in MANIFEST"; return 1; }
    BLOCK=$block python3 - "$dir/$cap" "$cap" <<'PY'
import os, subprocess, sys
path, cap = sys.argv[1], sys.argv[2]
block = [l.split() for l in os.environ["BLOCK"].splitlines() if l.strip() and not l.startswith("#")]
errors = []
def err(msg):
    errors.append(msg)

if not path.endswith(".pcapng"):
    err("a two-point capture must be pcapng (one interface per capture point)")
with open(path, "rb") as f:
    if f.read(4) != b"\x0a\x0d\x0d\x0a":
        err("not a pcapng file")

# the interfaces the file declares, with or without frames
ifaces, cur = {}, None
for line in subprocess.run(["capinfos", "-I", path], capture_output=True, text=True).stdout.splitlines():
    line = line.strip()
    if line.startswith("Interface #"):
        cur = int(line.split("#")[1].split()[0])
    elif line.startswith("Name = ") and cur is not None:
        ifaces[cur] = line.split("= ", 1)[1]
sides = {"vleft": "initiator", "vright": "responder"}
vantage = {}
for t in block:
    if t[0] == "vantage":
        if len(t) != 4 or not t[1].isdigit() or t[3] not in ("initiator", "responder"):
            err("bad vantage line: " + " ".join(t)); continue
        if int(t[1]) in vantage:
            err("two vantage lines for interface " + t[1])
        vantage[int(t[1])] = (t[2], t[3])
if sorted(vantage) != sorted(ifaces):
    err("interfaces in the file %s but vantage lines for %s" % (sorted(ifaces), sorted(vantage)))
for i, (name, side) in vantage.items():
    if ifaces.get(i) != name:
        err("vantage %d %s: the file names interface %d %r" % (i, name, i, ifaces.get(i)))
    if sides.get(name) not in (None, side):
        err("vantage %d %s %s: %s is the %s's point" % (i, name, side, name, sides[name]))
if len(ifaces) != 2:
    err("%d interfaces, expected 2" % len(ifaces))

offsets = [t for t in block if t[0] == "offset"]
offset = 0.0
if len(offsets) != 1 or len(offsets[0]) != 2:
    err("expected exactly one `offset SECONDS` line")
else:
    try:
        offset = float(offsets[0][1])
    except ValueError:
        err("bad offset line: " + " ".join(offsets[0]))

# every frame's interface name agrees with the vantage lines
out = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "frame.number", "-e", "frame.interface_id",
                      "-e", "frame.interface_name"], capture_output=True, text=True).stdout
for line in out.splitlines():
    n, i, name = (line.split("\t") + ["", ""])[:3]
    if vantage.get(int(i), ("?",))[0] != name:
        err("frame %s: interface %s is %r, vantage says %r" % (n, i, name, vantage.get(int(i), ("?",))[0]))
        break

# ISAKMP frames: number -> (interface, time corrected by the offset, bytes, src, sport, dst, dport)
fields = ["frame.number", "frame.interface_id", "frame.time_epoch", "udp.payload",
          "ip.src", "udp.srcport", "ip.dst", "udp.dstport"]
out = subprocess.run(["tshark", "-r", path, "-Y", "isakmp && !icmp && !icmpv6", "-T", "fields", "-E", "occurrence=l"]
                     + sum([["-e", f] for f in fields], []), capture_output=True, text=True).stdout
fr = {}
for line in out.splitlines():
    c = line.split("\t")
    p = c[3].replace(":", "")
    if p.startswith("00000000"):
        p = p[8:]
    i = int(c[1])
    t = float(c[2]) - (offset if vantage.get(i, ("",))[0] == "vright" else 0.0)
    fr[int(c[0])] = (i, t, p, "%s:%s" % (c[4], c[5]), "%s:%s" % (c[6], c[7]))
TOL = 0.2
def copies(a, b):
    return fr[a][0] != fr[b][0] and fr[a][2] == fr[b][2] and abs(fr[a][1] - fr[b][1]) <= TOL

listed = [int(t[1]) for t in block if t[0] == "frame" and len(t) > 1 and t[1].isdigit()]
if sorted(listed) != sorted(fr):
    err("frame count: %d ISAKMP frames, %d frame lines" % (len(fr), len(listed)))
covered = {}
pair_of = {}
for t in block:
    if t[0] == "copy":
        if len(t) != 3 or not (t[1].isdigit() and t[2].isdigit()):
            err("bad copy line: " + " ".join(t)); continue
        a, b = int(t[1]), int(t[2])
        for n in (a, b):
            covered[n] = covered.get(n, 0) + 1
        if a not in fr or b not in fr:
            err("copy %d %d: not both ISAKMP frames" % (a, b)); continue
        if fr[a][0] == fr[b][0]:
            err("copy %d %d: same interface %d" % (a, b, fr[a][0]))
        elif fr[a][2] != fr[b][2]:
            err("copy %d %d: ISAKMP bytes differ" % (a, b))
        elif abs(fr[a][1] - fr[b][1]) > TOL:
            err("copy %d %d: %.3f s apart after the offset" % (a, b, abs(fr[a][1] - fr[b][1])))
        pair_of[a], pair_of[b] = b, a
    elif t[0] == "lost":
        if len(t) != 2 or not t[1].isdigit():
            err("bad lost line: " + " ".join(t)); continue
        f = int(t[1])
        covered[f] = covered.get(f, 0) + 1
        if f not in fr:
            err("lost %d: not an ISAKMP frame" % f); continue
        others = [g for g in fr if copies(f, g)]
        if others:
            err("lost %d: frame(s) %s carry the same bytes at another interface" % (f, others))
for f in sorted(fr):
    if covered.get(f, 0) != 1:
        err("frame %d is in %d copy/lost lines, expected exactly 1" % (f, covered.get(f, 0)))
for f in sorted(covered):
    if f not in fr:
        err("copy/lost line names frame %d, not an ISAKMP frame" % f)
ncopy = sum(1 for t in block if t[0] == "copy")
nlost = sum(1 for t in block if t[0] == "lost")
if 2 * ncopy + nlost != len(fr):
    err("2 x %d copies + %d lost != %d ISAKMP frames" % (ncopy, nlost, len(fr)))

for t in block:
    if t[0] == "translated":
        if len(t) != 4 or not t[1].isdigit():
            err("bad translated line: " + " ".join(t)); continue
        f = int(t[1])
        if f not in pair_of:
            err("translated %d: not a frame of a copy pair" % f); continue
        g = pair_of[f]
        if fr[f][1] > fr[g][1]:
            err("translated %d: frame %d is the sender's point (earlier)" % (f, g))
        ok = (fr[f][3], fr[g][3]) == (t[2], t[3]) or (fr[f][4], fr[g][4]) == (t[2], t[3])
        if not ok or t[2] == t[3]:
            err("translated %d %s %s: frame %d carries %s -> %s, its copy %d %s -> %s"
                % (f, t[2], t[3], f, fr[f][3], fr[f][4], g, fr[g][3], fr[g][4]))

WHERE = ("none", "path-to-responder", "path-to-initiator", "responder", "initiator")
ex = {(t[1], t[2]) for t in block if t[0] == "exchange" and len(t) > 2}
wh = {}
for t in block:
    if t[0] == "where":
        if len(t) != 4 or t[3] not in WHERE:
            err("bad where line: " + " ".join(t)); continue
        wh[(t[1], t[2])] = t[3]
for k in sorted(ex - set(wh)):
    err("exchange %s %s has no where line" % k)
for k in sorted(set(wh) - ex):
    err("where %s %s: no such exchange line" % k)

for e in errors:
    print("%s: %s" % (cap, e))
sys.exit(1 if errors else 0)
PY
}

if [ $# -eq 0 ]; then
    set -- $(cd "$dir" && ls 2p-*.pcapng 2>/dev/null)
    for c in $(awk '$1=="capture" && $2 ~ /^2p-/{print $2}' "$man"); do
        [ -f "$dir/$c" ] || { echo "$c: block without capture"; fail=1; }
    done
fi
rc=${fail:-0}
for cap in "$@"; do check_one "$cap" || rc=1; done
if [ $rc = 0 ]; then
    echo "check-manifest-2p: $# two-point captures consistent with MANIFEST"
else
    echo "check-manifest-2p: FAILED" >&2
fi
exit $rc
