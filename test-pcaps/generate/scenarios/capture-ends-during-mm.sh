# SPDX-License-Identifier: GPL-2.0-or-later
DESC="ok-main-quick cut after MM#5: the capture stops before MM#6"
DERIVED_FROM=ok-main-quick
EDITCAP_KEEP="1-5"
