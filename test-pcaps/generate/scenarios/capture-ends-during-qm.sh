# SPDX-License-Identifier: GPL-2.0-or-later
DESC="ok-main-quick cut after QM#1: the capture stops before QM#2"
DERIVED_FROM=ok-main-quick
EDITCAP_KEEP="1-7"
