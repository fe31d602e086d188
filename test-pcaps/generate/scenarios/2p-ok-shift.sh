# SPDX-License-Identifier: GPL-2.0-or-later
. "$GEN_DIR/scenarios/2p-ok.sh"
DESC="As 2p-ok, but the responder's capture (vright) runs 2.5 s ahead: its timestamps are shifted by +2.5 s (editcap -t) before merging, so the merged file shows each copy at vright 2.5 s after its twin at vleft"
SHIFT_RIGHT=2.5
