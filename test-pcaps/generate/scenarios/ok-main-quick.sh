# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode + ESP, nothing misconfigured"
