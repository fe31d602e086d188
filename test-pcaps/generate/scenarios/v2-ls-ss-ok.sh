# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: IKE_SA_INIT + IKE_AUTH (PSK, child SA in IKE_AUTH): libreswan 4.10 initiator (shim) to a strongSwan responder (kernel-netlink + shim): no NAT, no ESP"
L_VERSION=2 R_VERSION=2
L_IMPL=libreswan
R_KERNEL=netlink
