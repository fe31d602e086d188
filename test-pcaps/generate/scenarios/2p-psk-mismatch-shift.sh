# SPDX-License-Identifier: GPL-2.0-or-later
. "$GEN_DIR/scenarios/2p-psk-mismatch.sh"
DESC="As 2p-psk-mismatch, but the responder's capture (vright) runs 4 s behind: its timestamps are shifted by -4 s (editcap -t) before merging, so each copy at vright comes first in the merged file, 4 s before its twin at vleft"
SHIFT_RIGHT=-4
