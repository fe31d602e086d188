# SPDX-License-Identifier: GPL-2.0-or-later
"""Chapter 15 of docs/tutorial.md: "The tunnel is up but nothing passes" (issue 14).

Called by make_tutorial.py with its helpers: `shown` runs a command with the built plugin
and returns it with its real output, `keys_opt` gives a capture's key options, `manifest`
maps a capture to its MANIFEST block.  Every verdict the prose states is checked against
the MANIFEST's `tunnel` lines first, so the chapter cannot drift from the captures.
"""
import sys

ONE_WAY = "esp-one-way-no-return-route"
FILTERED = "esp-one-way-filtered"
IDLE = "esp-no-traffic"
DEAD = "dpd-dead-peer"
CAPTURES = (ONE_WAY, FILTERED, IDLE, DEAD)
# what the prose says of each: (sa, child) -> tunnel state (silent side), from MANIFEST
CLAIMS = {ONE_WAY: ("one-way-esp", "responder"), FILTERED: ("one-way-esp", "responder"),
          IDLE: ("no-traffic", None), DEAD: ("dead-peer", None)}

TOC = """15. [The tunnel is up but nothing passes](#15-the-tunnel-is-up-but-nothing-passes): [one-way
    ESP](#151-esp-one-way-encaps-8-decaps-0), [the same from a firewall](#152-the-same-symptom-from-the-path),
    [no traffic](#153-no-traffic-at-all), [a dead peer](#154-a-dead-peer-dpd-unanswered)
"""


def check_claims(manifest):
    for capture, want in CLAIMS.items():
        got = manifest[capture].tunnels.get((1, "QM1"))
        if got != want:
            sys.exit("tutorial_tunnel: %s: the prose says QM1 is %s, MANIFEST says %s" % (capture, want, got))


def write_tunnel(add, shown, keys_opt, manifest):
    check_claims(manifest)
    add("""
## 15. The tunnel is up but nothing passes

Phase 1 and Quick Mode complete, `show crypto isakmp sa` says QM_IDLE, and still the users
cannot reach the other side. On a Cisco router it reads as `#pkts encaps: 8, #pkts decaps: 0`
in `show crypto ipsec sa`; in a capture it is ESP going one way. ikediag ties every ESP
frame (plain, or in UDP 4500 as here) to the Quick Mode that negotiated its SPI, counts
each direction, and on the frame that completed the Quick Mode says what the traffic shows.

### 15.1 ESP one way: encaps 8, decaps 0

[`%(c)s.pcap`](../test-pcaps/%(c)s.pcap): the tunnel comes up, then the responder loses
its route back into the tunnel (here `ip route flush table 220` on the strongSwan side: a
missing route, a crypto ACL that is not the mirror image, a NAT rule that catches the
return traffic look the same). Each ESP frame says which Quick Mode and which way:
""" % {"c": ONE_WAY})
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y esp -T fields -e frame.number -e ip.src -e esp.spi "
              "-e ikediag.child -e ikediag.esp.dir -e ikediag.esp.match | head -4" % ONE_WAY))
    add("""
Without keys the ESP is tied by the peers' addresses (`peers`: a new SPI after the Quick
Mode completed); with the key file it is tied by the SPI that QM#1 and QM#2 carried
(`spi`), and `ikediag.esp.negotiated_in` points at that message:
""")
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y esp -T fields -e frame.number -e esp.spi "
              "-e ikediag.esp.match -e ikediag.esp.negotiated_in | head -2" % (keys_opt(ONE_WAY), ONE_WAY)))
    add("""
The verdict sits on QM#3, the frame that completed the Quick Mode, once the whole capture
has been read (`-2`; in the GUI after loading):
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.tunnel -T fields -e ikediag.child -e ikediag.tunnel "
              "-e ikediag.tunnel.encaps -e ikediag.tunnel.decaps" % ONE_WAY))
    add(shown("tshark -q -r test-pcaps/%s.pcap -z ikediag,report | sed -n '/Traffic:/,/^$/p' | head -3"
              % ONE_WAY))
    add("""
**Fix**: on the silent peer (the responder here): the route for the other side's protected
network through the tunnel, the crypto ACL's mirror image, the NAT exemption; `show crypto
ipsec sa` there shows decaps rising and encaps staying at 0.

### 15.2 The same symptom from the path

[`%(c)s.pcap`](../test-pcaps/%(c)s.pcap) was captured at the initiator while a router in
between drops UDP 4500 from the responder after the tunnel came up. At the initiator it is
the same picture, and the same verdict:
""" % {"c": FILTERED})
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.tunnel -T fields -e ikediag.child -e ikediag.tunnel "
              "-e ikediag.tunnel.encaps -e ikediag.tunnel.decaps" % FILTERED))
    add("""
One capture point cannot tell a responder that sends nothing from a responder whose ESP
is dropped on the way back; that is why the candidates name both. Capture at the
responder too (section "Two capture points" of the README): ESP leaving the responder
there and never arriving here puts the fault on the path.

### 15.3 No traffic at all

[`%(c)s.pcap`](../test-pcaps/%(c)s.pcap): the tunnel comes up and nobody sends anything
through it. That is a note, not a warning: the capture may simply be short, or the traffic
is not routed into the tunnel on either side.
""" % {"c": IDLE})
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.tunnel -T fields -e ikediag.child -e ikediag.tunnel"
              % IDLE))
    add("""
### 15.4 A dead peer: DPD unanswered

[`%(c)s.pcap`](../test-pcaps/%(c)s.pcap): the tunnel works both ways, then the
responder's daemon dies. The initiator's Dead Peer Detection (RFC 3706: R-U-THERE, each in
an encrypted Informational) goes unanswered. With the key file each R-U-THERE is linked to
its R-U-THERE-ACK by the sequence number both carry, like any request and response:
""" % {"c": DEAD})
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y 'isakmp.notify.data.dpd.are_you_there "
              "or isakmp.notify.data.dpd.are_you_there_ack' -T fields -e frame.number -e ip.src "
              "-e ikediag.request_in -e ikediag.response_in" % (keys_opt(DEAD), DEAD)))
    add("""
The last two go unanswered, and the tunnel's verdict says so (without keys too: two
Informationals or more, seconds apart, with nothing back):
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.tunnel -T fields -e ikediag.child -e ikediag.tunnel "
              "-e ikediag.tunnel.encaps -e ikediag.tunnel.decaps" % DEAD))
    add("""
Two more verdicts read the SA's end: `stale-spi` when one side lost its SAs (a restart,
`clear crypto sa`) while the other still sends on the old SPI (INVALID-SPI came back, or
ESP went on after a Delete, or the silent side began a new IKE SA), and `no-traffic` with a
hedge for an IKEv2 child whose answer, unreadable without keys, may have refused it.
""")
