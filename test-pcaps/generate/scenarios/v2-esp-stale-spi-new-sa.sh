# SPDX-License-Identifier: GPL-2.0-or-later
# esp-stale-spi-new-sa in IKEv2: the same flow, the restarted responder's new IKE SA
# carries INITIAL_CONTACT in its IKE_AUTH request
. "$GEN_DIR/scenarios/esp-stale-spi-new-sa.sh"
DESC="IKEv2: IKE_SA_INIT + IKE_AUTH (no DPD), 2 pings answered through the tunnel, then the responder's daemon is restarted (SIGKILL, started again) while the initiator keeps pinging on the old SPIs; about 12 s later the restarted responder initiates a new IKE SA itself (swanctl --initiate, INITIAL_CONTACT in its IKE_AUTH) while the initiator's pings still go out on the old SPI"
L_VERSION=2 R_VERSION=2
