# SPDX-License-Identifier: GPL-2.0-or-later
DESC="ok-main-quick without its first frame: the capture starts after MM#1, so Main Mode begins with a response"
DERIVED_FROM=ok-main-quick
EDITCAP_KEEP="2-1000"      # keep frames 2..end
