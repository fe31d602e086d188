# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Two capture points (routed, captured on vleft and vright, merged): Main Mode + Quick Mode + ESP through a plain router, nothing misconfigured (strongSwan both sides, kernel-libipsec: MM#5 onward and ESP on UDP 4500)"
TOPO=routed
