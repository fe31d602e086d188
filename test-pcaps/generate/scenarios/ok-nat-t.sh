# SPDX-License-Identifier: GPL-2.0-or-later
DESC="Main Mode + Quick Mode + ESP through a real source NAT (nftables masquerade): NAT-T detected, float to 4500"
TOPO=nat
L_KEEPALIVE=2s     # NAT-T keepalives (1-byte 0xFF on UDP 4500) from the side behind the NAT
FINAL_WAIT=5       # keepalives never let the capture go quiet
