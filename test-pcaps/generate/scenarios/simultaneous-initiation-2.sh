# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Same as simultaneous-initiation (a race): this committed run shows the other outcome, with Quick Modes started by both sides in one IKE SA and an abandoned Quick Mode; a regeneration yields either variant"
. "$GEN_DIR/scenarios/simultaneous-initiation.sh"
