# SPDX-License-Identifier: GPL-2.0-or-later
DESC="IKEv2: IKE_SA_INIT + IKE_AUTH (PSK, child SA in IKE_AUTH): strongSwan initiator (kernel-netlink + shim) to a libreswan 4.10 responder (shim): no NAT, no ESP"
L_VERSION=2 R_VERSION=2
L_KERNEL=netlink
R_IMPL=libreswan
