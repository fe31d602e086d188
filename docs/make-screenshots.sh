#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# docs/make-screenshots.sh: re-make the PNGs in docs/img/ with the real Wireshark GUI
# (Debian's wireshark-qt) under Xvfb, the ikediag plugin from the build tree and the
# profile in profiles/ikediag.
#
#   docs/make-screenshots.sh            # build (cmake, ninja) then shoot
#   BUILD_DIR=/tmp/b docs/make-screenshots.sh
#   NO_BUILD=1 docs/make-screenshots.sh # use the plugin already in $BUILD_DIR
#
# Needs: wireshark-qt xvfb xdotool imagemagick (installed with apt-get when run as root
# and missing).  As root, Wireshark ignores WIRESHARK_PLUGIN_DIR, so it runs as uid
# 65534 with setpriv, with everything staged in a mode-755 temporary folder.
# Driving the GUI: files, filters, the selected packet and dialogs come from the command
# line where Wireshark allows it (-r -Y -g -C -z expert, -z ikediag,sa); the Flow Graph
# is opened from the Statistics menu with keys, and a few clicks land on fixed
# positions of a window whose size the script sets.  Every shot is checked for the
# window it expects; look at the PNGs after a Wireshark upgrade all the same.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
OUT=$ROOT/docs/img
CAPTURE=p1-psk-mismatch            # list, detail, expert info, flow graph
TABLE_CAPTURE=p2-esp-encryption-mismatch  # the SA table (with its keys)
SILENT_CAPTURE=p1-responder-filtered      # the expert indicator while nothing came back
V2_CAPTURE=v2-psk-mismatch                # an IKEv2 verdict, without keys
TWO_POINTS=2p-4500-dropped-to-responder   # captured at both ends and merged: where
TUNNEL=esp-one-way-no-return-route         # the tunnel's life: ESP one way
STALE=esp-stale-spi-new-sa              # the flow graph with ESP bursts

log() { printf '%s\n' "make-screenshots: $*" >&2; }
die() { log "$*"; exit 1; }

# ---- tools -----------------------------------------------------------------------
missing=""
for pair in wireshark:wireshark-qt Xvfb:xvfb xdotool:xdotool import:imagemagick convert:imagemagick; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
if [ -n "$missing" ]; then
    [ "$(id -u)" = 0 ] || die "missing packages:$missing (apt-get install them)"
    log "installing:$missing"
    apt-get update -qq
    # shellcheck disable=SC2086  # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# ---- build -----------------------------------------------------------------------
if [ "${NO_BUILD:-0}" != 1 ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja >/dev/null
    cmake --build "$BUILD_DIR" >/dev/null
fi
PLUGIN=$BUILD_DIR/plugins/4.0/epan/ikediag.so
[ -f "$PLUGIN" ] || die "no plugin at $PLUGIN"

# ---- stage -----------------------------------------------------------------------
STAGE=$(mktemp -d /tmp/ikediag-shots.XXXXXX)
chmod 755 "$STAGE"
XVFB_PID="" WS_PID="" MAIN=""
cleanup() {
    if [ -n "$WS_PID" ]; then kill "$WS_PID" 2>/dev/null || true; fi
    if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$STAGE"
}
trap cleanup EXIT

mkdir -p "$STAGE/plugins/4.0/epan" "$STAGE/pcaps" "$STAGE/run"
cp "$PLUGIN" "$STAGE/plugins/4.0/epan/"
cp "$ROOT/test-pcaps/$CAPTURE.pcap" "$ROOT/test-pcaps/$TABLE_CAPTURE.pcap" "$ROOT/test-pcaps/$SILENT_CAPTURE.pcap" \
    "$ROOT/test-pcaps/$V2_CAPTURE.pcap" "$ROOT/test-pcaps/$TWO_POINTS.pcapng" "$ROOT/test-pcaps/$TUNNEL.pcap" "$ROOT/test-pcaps/$STALE.pcap" \
    "$STAGE/pcaps/"
CONF=$STAGE/home/.config/wireshark
PROFILE=$CONF/profiles/ikediag
mkdir -p "$PROFILE"
cp "$ROOT"/profiles/ikediag/* "$PROFILE/"
rm -f "$PROFILE/README.md"

# Window geometry, hidden first-run warnings (recent_common), and, in the profile's
# "recent" file, no bytes pane and column widths that fit the window.
cat > "$CONF/recent_common" <<'CONF'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1280
gui.geometry_main_height: 960
gui.geometry_main_maximized: FALSE
gui.last_used_profile: ikediag
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
CONF
cat > "$PROFILE/recent" <<'CONF'
gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
gui.geometry_main_upper_pane: 300
column.width:
        %m, 50,
        %t, 80,
        %s, 100,
        %d, 100,
        "%Cus:ikediag.msg", 85,
        "%Cus:ikediag.role", 75,
        "%Cus:ikediag.stall", 80,
        "%Cus:ikediag.cause", 115,
        %p, 65,
        %L, 50,
        %i, 450
CONF

RUN_AS=()
if [ "$(id -u)" = 0 ]; then
    RUN_AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    chown -R 65534:65534 "$STAGE/home" "$STAGE/run"
fi
chmod -R a+rX "$STAGE"
chmod 700 "$STAGE/run"

# ---- X -----------------------------------------------------------------------------
DISPLAY_NUM=99
while [ -e "/tmp/.X11-unix/X$DISPLAY_NUM" ] || [ -e "/tmp/.X$DISPLAY_NUM-lock" ]; do
    DISPLAY_NUM=$((DISPLAY_NUM + 1))
done
export DISPLAY=:$DISPLAY_NUM
Xvfb "$DISPLAY" -screen 0 1400x1000x24 -nolisten tcp >"$STAGE/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

# ---- helpers ---------------------------------------------------------------------
# wait_window NAME: the id of the first window whose title contains NAME (30 s at most)
wait_window() {
    local id
    for _ in $(seq 150); do
        id=$(xdotool search --name "$1" 2>/dev/null | head -1 || true)
        if [ -n "$id" ]; then echo "$id"; return 0; fi
        if [ -n "$WS_PID" ] && ! kill -0 "$WS_PID" 2>/dev/null; then return 2; fi
        sleep 0.2
    done
    return 1
}

# ws_start ARGS...: start Wireshark on a staged capture with the ikediag profile
ws_start() {
    ( cd "$STAGE/pcaps" && exec "${RUN_AS[@]}" env -i PATH=/usr/bin:/bin HOME="$STAGE/home" \
        WIRESHARK_PLUGIN_DIR="$STAGE/plugins" LC_ALL=C.UTF-8 DISPLAY="$DISPLAY" \
        XDG_RUNTIME_DIR="$STAGE/run" QT_QPA_PLATFORM=xcb \
        wireshark -C ikediag "$@" ) >"$STAGE/wireshark.log" 2>&1 &
    WS_PID=$!
}

# ws_open TITLE ARGS...: ws_start, then MAIN := the id of the main window (whose title
# holds TITLE); one retry, since a Wireshark started right after another one has been seen
# to abort at start-up under Xvfb.  Not in $(...): WS_PID must stay in this shell.
ws_open() {
    local title=$1
    shift
    for _ in 1 2; do
        ws_start "$@"
        if MAIN=$(wait_window "$title"); then return 0; fi
        log "wireshark did not open its window ($(tail -3 "$STAGE/wireshark.log" | tr '\n' ' ')), retrying"
        ws_stop
        sleep 1
    done
    return 1
}

ws_stop() {
    [ -n "$WS_PID" ] || return 0
    kill "$WS_PID" 2>/dev/null || true
    wait "$WS_PID" 2>/dev/null || true
    WS_PID=""
}

# settle: let Wireshark finish drawing (dissection and redraws are quick on 12 frames)
settle() { sleep "${1:-1.5}"; xdotool mousemove 1399 999; sleep 0.3; }

# shot WINDOW FILE [CROP]: save a window (cropped to WxH+X+Y) as a small PNG
shot() {
    local raw=$STAGE/raw.png
    import -window "$1" "$raw"
    if [ -n "${3:-}" ]; then
        convert "$raw" -crop "$3" +repage "$raw"
    fi
    convert "$raw" -strip -define png:compression-level=9 "$OUT/$2"
    log "$2: $(identify -format '%wx%h' "$OUT/$2"), $(( $(stat -c %s "$OUT/$2") / 1024 )) KB"
}

mkdir -p "$OUT"
failed=""

# ---- 1, 2: packet list and packet detail -------------------------------------------
# Frame 11 is the last MM#5 resend, which carries the verdict.  The list crop keeps the
# menu, toolbar, filter bar and the list; the detail crop keeps the detail pane after
# the "IKE diagnosis" subtree is expanded (click the first detail row, End, Right).
ws_open "$CAPTURE.pcap" -r "$CAPTURE.pcap" -Y ikediag -g 11 || die "the main window did not appear"
settle 3
xdotool windowfocus --sync "$MAIN"
xdotool mousemove --window "$MAIN" 300 406 click 1
sleep 0.3
xdotool key End Right
settle
shot "$MAIN" packet-list.png 1280x390+0+0
shot "$MAIN" packet-detail.png 1280x540+0+392
ws_stop

# ---- 3: Expert Information (-z expert), ungrouped so each message shows in full ------
ws_open "$CAPTURE.pcap" -r "$CAPTURE.pcap" -z expert || die "the main window did not appear"
EXPERT=$(wait_window "Expert Information") || die "no Expert Information dialog"
settle 2
xdotool windowsize "$EXPERT" 1100 330
settle
xdotool mousemove --window "$EXPERT" 208 275 click 1     # untick "Group by summary"
sleep 0.5
xdotool mousemove --window "$EXPERT" 300 41 click 1      # first severity row
xdotool key Right End Right                              # expand Warning, then Note
sleep 0.3
xdotool mousemove --window "$EXPERT" 540 22 click --repeat 2 1  # fit the Summary column
settle
shot "$EXPERT" expert-info.png
ws_stop

# ---- 3b: Expert Information as it opens (grouped by summary): one group per cause -----
ws_open "$CAPTURE.pcap" -r "$CAPTURE.pcap" -z expert || die "the main window did not appear"
EXPERT=$(wait_window "Expert Information") || die "no Expert Information dialog"
settle 2
xdotool windowsize "$EXPERT" 1100 330
settle
xdotool mousemove --window "$EXPERT" 300 41 click 1      # the Warning row
xdotool key Right Down Right                             # expand it and its first group
sleep 0.3
xdotool mousemove --window "$EXPERT" 540 22 click --repeat 2 1  # fit the Summary column
settle
shot "$EXPERT" expert-grouped.png
ws_stop

# ---- 3c: the status bar's expert indicator on a capture whose verdict needs its end:
# MM#1 sent again and again, nothing back; the third send raises ikediag.unanswered --
ws_open "$SILENT_CAPTURE.pcap" -r "$SILENT_CAPTURE.pcap" -g 3 || die "the main window did not appear"
settle 3
import -window "$MAIN" "$STAGE/raw.png"   # the packet list above the status bar, stacked
convert \( "$STAGE/raw.png" -crop 1280x120+0+95 +repage \) \( "$STAGE/raw.png" -crop 1280x34+0+926 +repage \) \
    -append -strip -define png:compression-level=9 "$OUT/status-bar.png"
log "status-bar.png: $(identify -format '%wx%h' "$OUT/status-bar.png")"
ws_stop

# ---- 3d: right-click > Conversation Filter > IKE SA on the verdict frame ------------
ws_open "$CAPTURE.pcap" -r "$CAPTURE.pcap" -g 11 || die "the main window did not appear"
settle 3
xdotool windowfocus --sync "$MAIN"
xdotool mousemove --window "$MAIN" 300 291 click 3       # the packet list's row 11
sleep 0.8
# the menu opens at the pointer; "Conversation Filter" is its 8th entry: hover it
eval "$(xdotool getmouselocation --shell)"
xdotool mousemove $((X + 60)) $((Y + 200))
sleep 0.2
xdotool mousemove $((X + 70)) $((Y + 214)) click 1                # opens its submenu
sleep 1.2
import -window root "$STAGE/root.png"
convert "$STAGE/root.png" -crop 1100x700+0+250 +repage -strip "$OUT/conversation-filter.png"
log "conversation-filter.png: $(identify -format '%wx%h' "$OUT/conversation-filter.png")"
xdotool mousemove $((X + 380)) $((Y + 214)) mousemove $((X + 393)) $((Y + 514)) click 1   # "IKE SA"
settle 2
shot "$MAIN" conversation-filter-applied.png 1280x200+0+60
ws_stop

# ---- 4: Statistics > IKE SAs (ikediag), i.e. -z ikediag,sa, with the capture's keys --
cp "$ROOT/test-pcaps/$TABLE_CAPTURE.keys" "$PROFILE/ikev1_decryption_table"
chmod 644 "$PROFILE/ikev1_decryption_table"
if [ "$(id -u)" = 0 ]; then chown 65534:65534 "$PROFILE/ikev1_decryption_table"; fi
ws_start -r "$TABLE_CAPTURE.pcap" -z ikediag,sa
TABLE=$(wait_window "IKE SAs") || TABLE=""
settle 3
if [ -n "$TABLE" ] && kill -0 "$WS_PID" 2>/dev/null; then
    xdotool windowmove "$TABLE" 0 0
    xdotool windowsize "$TABLE" 1380 190
    settle
    shot "$TABLE" sa-table.png
else
    if kill -0 "$WS_PID" 2>/dev/null; then
        log "sa-table.png NOT made: no 'IKE SAs' dialog appeared"
    else
        rc=0; wait "$WS_PID" 2>/dev/null || rc=$?
        log "sa-table.png NOT made: wireshark exited with status $rc opening -z ikediag,sa"
        WS_PID=""
    fi
    failed="$failed sa-table.png"
fi
ws_stop
rm -f "$PROFILE/ikev1_decryption_table"

# ---- 5: Statistics > Flow Graph, flow type "IKE and ESP (ikediag)" ------------------
flow_graph_shot() {  # CAPTURE PNG
    ws_open "$1.pcap" -r "$1.pcap" || die "the main window did not appear"
    settle 2
    xdotool windowfocus --sync "$MAIN"
    xdotool key alt+s                                         # the Statistics menu
    sleep 0.5
    # "Flow Graph" is the 18th entry of Debian's Wireshark 4.0 Statistics menu; the check
    # below fails loudly if a different dialog opened.
    for _ in $(seq 17); do xdotool key Down; done
    xdotool key Return
    FLOW=$(wait_window "Flow ·") || die "the Flow Graph did not open: the Statistics menu changed, fix the Down count"
    settle
    xdotool windowsize "$FLOW" 1280 560
    settle
    xdotool mousemove --window "$FLOW" 675 505 click 1       # the "Flow type" box
    sleep 0.7
    xdotool type --delay 60 "IKE and"
    xdotool key Return
    settle 2
    shot "$FLOW" "$2"
    ws_stop
}
flow_graph_shot "$CAPTURE" flow-graph.png

# ---- 9: IKEv2: frame 4, the 80-byte IKE_AUTH answer that carries the verdict ---------
ws_open "$V2_CAPTURE.pcap" -r "$V2_CAPTURE.pcap" -Y ikediag -g 4 || die "the main window did not appear"
settle 3
xdotool windowfocus --sync "$MAIN"
xdotool mousemove --window "$MAIN" 300 406 click 1
sleep 0.3
xdotool key End Right
settle
shot "$MAIN" ikev2-detail.png 1280x930+0+0
ws_stop

# ---- 10: two capture points: frame 12, the initiator's last MM#5, carries the verdict --
ws_open "$TWO_POINTS.pcapng" -r "$TWO_POINTS.pcapng" -Y ikediag -g 12 || die "the main window did not appear"
settle 3
xdotool windowfocus --sync "$MAIN"
xdotool mousemove --window "$MAIN" 300 406 click 1
sleep 0.3
xdotool key End Right
settle
shot "$MAIN" two-points.png 1280x930+0+0
ws_stop

# ---- 11: the tunnel's life: frame 9, QM#3, carries the verdict on the ESP that followed --
ws_open "$TUNNEL.pcap" -r "$TUNNEL.pcap" -g 9 || die "the main window did not appear"
settle 3
xdotool windowfocus --sync "$MAIN"
xdotool mousemove --window "$MAIN" 300 406 click 1
sleep 0.3
xdotool key End Right
settle
shot "$MAIN" tunnel.png 1280x930+0+0
ws_stop

# ---- 12: the flow graph with ESP bursts: a stale SPI, then the restarted peer's new SA --
flow_graph_shot "$STALE" flow-esp.png

total=$(du -cb "$OUT"/*.png | tail -1 | cut -f1)
log "total $((total / 1024)) KB in $OUT"
if [ -n "$failed" ]; then
    log "FAILED:$failed"
    exit 1
fi
