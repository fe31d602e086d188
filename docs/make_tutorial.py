#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make_tutorial.py: write docs/tutorial.md and docs/README-docs.md from real runs.

Every command shown in the tutorial is run here, exactly as printed, with bash in a
staging folder that holds a copy of test-pcaps/ (so the paths read test-pcaps/NAME), and
its output is pasted as it came (trailing blanks dropped).  tshark gets the plugin from
the build tree; as root it runs as uid 65534 (tshark ignores WIRESHARK_PLUGIN_DIR for
root).  The prose says things about the verdicts ("ikediag calls this psk-mismatch"), NAT
and counts: EXPECT (the verdicts) is read from test-pcaps/MANIFEST, CLAIMS lists the facts
the prose states in its own words and is checked against MANIFEST, and the run stops if
the plugin or the prose says something else.  Regenerating cannot make a wrong verdict
pass: the reference is the MANIFEST, not earlier output.

Usage: docs/make_tutorial.py [--check] PLUGIN_DIR  (docs/make-tutorial.sh builds and calls it)
  --check: write nothing; exit 1 if docs/tutorial.md or docs/README-docs.md would change.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PCAPS = os.path.join(ROOT, "test-pcaps")

# What the prose assumes: capture -> {exchange: (outcome, stall, cause without keys,
# cause with keys)}.  "-" where there is none.  Read from test-pcaps/MANIFEST (written from
# the captures and logs), not from earlier output: check() stops if the plugin differs from
# it, and CLAIMS below stops if the prose's own words differ from it.
# The exercises at the end, in their order (the answers are in ANSWERS below).
EXERCISES = ("mm5-missing-no-psk", "reply-lost-mm4", "p1-version-mismatch", "ls-ss-esp-mismatch",
             "capture-ends-during-qm")
TUTORIAL_CAPTURES = ("ok-main-quick", "p1-encryption-mismatch", "p1-hash-mismatch", "p1-dh-group-mismatch",
                     "p1-auth-method-mismatch", "p1-psk-mismatch", "p2-esp-encryption-mismatch",
                     "p2-esp-integrity-mismatch", "p2-tunnel-vs-transport", "p1-responder-other-peer",
                     "p2-traffic-selector-mismatch",
                     # the overview's Aggressive Mode and NAT-T sections
                     "ok-aggressive-quick", "am-psk-mismatch", "am-refused", "ok-nat-t", "nat-t-4500-blocked",
                     "ok-main-quick-no-nat") + EXERCISES


def manifest_blocks():
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
    import manifest
    return {c.name[:-len(".pcap")]: c for c in manifest.parse(os.path.join(PCAPS, "MANIFEST"))}


MANIFEST = manifest_blocks()
EXPECT = {c: {e.name: (e.outcome, e.stall, e.cause, e.cause_with_keys or e.cause) for e in MANIFEST[c].exchanges}
          for c in TUTORIAL_CAPTURES}

# Facts the prose states in its own words (verdicts, NAT, counts), each checked against
# MANIFEST: (capture, what, value as the prose says it).
CLAIMS = [
    ("ok-main-quick", "isakmp frames", 9),              # "Nine ISAKMP messages, then ESP"
    ("ok-main-quick", "nat", "detected"),               # "MM#3/MM#4 read `detected`"
    ("p1-encryption-mismatch", "MM", ("stalled", "MM#2", "isakmp-policy")),
    ("p1-auth-method-mismatch", "MM", ("stalled", "MM#4", "key-exchange")),   # "The verdict `key-exchange` (stalled at MM#4)"
    ("p1-psk-mismatch", "MM", ("stalled", "MM#5", "psk-mismatch")),
    ("p1-psk-mismatch", "resends of MM#5", 3),          # "sent again about 1, 2.4 and 4.4 s later"
    ("p2-esp-encryption-mismatch", "QM1", ("stalled", "QM#2", "qm-rejected")),
    ("p2-esp-encryption-mismatch", "QM1 with keys", "transform-set"),
    ("p2-tunnel-vs-transport", "QM1 with keys", "proxy-id"),    # "so it says `proxy-id`"
    ("p1-responder-other-peer", "MM", ("stalled", "MM#2", "isakmp-policy")),   # "the verdict is `isakmp-policy`"
    ("p2-traffic-selector-mismatch", "QM1 with keys", "proxy-id"),   # "the cause narrows to `proxy-id`"
    # the overview: Aggressive Mode and NAT-T
    ("ok-aggressive-quick", "AM", ("complete", "-", "-")),
    ("am-psk-mismatch", "AM", ("stalled", "AM#3", "psk-mismatch")),  # "stalled at AM#3, `psk-mismatch`"
    ("am-refused", "AM", ("stalled", "AM#2", "aggressive-refused")),
    ("ok-nat-t", "nat", "detected"),
    ("ok-main-quick-no-nat", "nat", "none"),            # "honest NAT-D ... reads `none`"
    ("nat-t-4500-blocked", "MM", ("stalled", "MM#5", "nat-t-blocked")),
    ("nat-t-4500-blocked", "resends of MM#5", 3),       # "MM#5 four times on UDP 4500"
    # the exercises' answers
    ("mm5-missing-no-psk", "MM", ("stalled", "MM#5", "mm5-missing")),
    ("reply-lost-mm4", "MM", ("stalled", "MM#5", "reply-lost")),
    ("p1-version-mismatch", "MM", ("stalled", "MM#2", "isakmp-policy")),
    ("ls-ss-esp-mismatch", "QM1", ("stalled", "QM#2", "qm-rejected")),
    ("ls-ss-esp-mismatch", "QM1 with keys", "transform-set"),
    ("capture-ends-during-qm", "QM1", ("cut", "QM#2", "-")),
]


def check_claims():
    """Stop if a fact the prose states is not what MANIFEST says."""
    for capture, what, value in CLAIMS:
        cap = MANIFEST[capture]
        exchanges = {e.name: e for e in cap.exchanges}
        if what == "isakmp frames":
            got = len(cap.frames)
        elif what == "nat":
            got = cap.nat.get(1)
        elif what.startswith("resends of "):
            got = sum(1 for f in cap.frames.values() if f.resend and f.msg == what.split()[-1])
        elif what.endswith(" with keys"):
            e = exchanges[what.split()[0]]
            got = e.cause_with_keys or e.cause
        else:
            e = exchanges[what]
            got = (e.outcome, e.stall, e.cause)
        if got != value:
            sys.exit("make_tutorial: the prose says %s %s is %s, test-pcaps/MANIFEST says %s; update the text and "
                     "CLAIMS" % (capture, what, value, got))


# The article's cases in its order: (case, capture, what the capture's configuration
# changed, how faithful the capture is to the case).
SEED_CASES = [
    ("Clean Main Mode + Quick Mode", "ok-main-quick", "nothing", "same"),
    ("ISAKMP policy: encryption mismatch", "p1-encryption-mismatch",
     "`proposals`: left aes128-sha256-modp2048, right aes256-sha256-modp2048", "same"),
    ("ISAKMP policy: hash mismatch", "p1-hash-mismatch",
     "`proposals`: left aes128-sha256-modp2048, right aes128-sha1-modp2048", "same"),
    ("ISAKMP policy: Diffie-Hellman group mismatch", "p1-dh-group-mismatch",
     "`proposals`: left ...-modp2048, right ...-modp3072", "same"),
    ("ISAKMP policy: authentication type mismatch", "p1-auth-method-mismatch",
     "left `auth = psk`, right `auth = pubkey` (RSA certificate)",
     "differs: strongSwan accepts MM#1 and refuses at MM#3"),
    ("Pre-shared key mismatch", "p1-psk-mismatch", "right `secret` differs", "same"),
    ("Transform set: encryption mismatch", "p2-esp-encryption-mismatch",
     "`esp_proposals`: left aes128-sha256, right aes256-sha256", "same"),
    ("Transform set: hash mismatch", "p2-esp-integrity-mismatch",
     "`esp_proposals`: left aes128-sha256, right aes128-sha1", "same"),
    ("Tunnel vs transport mode", "p2-tunnel-vs-transport", "left `mode = tunnel`, right `mode = transport`",
     "differs: strongSwan answers INVALID-ID-INFORMATION"),
    ("Wrong peer address in the crypto map", "p1-responder-other-peer",
     "right `remote_addrs` = 198.51.100.77 (not the initiator)",
     "nearest: strongSwan refuses in phase 1, a Cisco crypto map in phase 2"),
    ("Wrong crypto ACL (proxy IDs)", "p2-traffic-selector-mismatch",
     "right `remote_ts` = 192.0.2.16/28, left `local_ts` = 192.0.2.0/28", "same"),
]


class Runner:
    """Runs shell commands in a staging folder with tshark seeing the plugin."""

    def __init__(self, plugin_dir):
        self.stage = tempfile.mkdtemp(prefix="ikediag-tutorial-")
        os.chmod(self.stage, 0o755)
        shutil.copytree(plugin_dir, os.path.join(self.stage, "plugins"))
        dest = os.path.join(self.stage, "test-pcaps")
        os.makedirs(os.path.join(dest, "logs"))
        for name in os.listdir(PCAPS):
            if name.endswith((".pcap", ".keys")):
                shutil.copyfile(os.path.join(PCAPS, name), os.path.join(dest, name))
        for name in os.listdir(os.path.join(PCAPS, "logs")):
            shutil.copyfile(os.path.join(PCAPS, "logs", name), os.path.join(dest, "logs", name))
        self.home = os.path.join(self.stage, "home")
        os.makedirs(self.home)
        for top, dirs, files in os.walk(self.stage):
            for name in dirs:
                os.chmod(os.path.join(top, name), 0o755)
            for name in files:
                os.chmod(os.path.join(top, name), 0o644)
        self.prefix = []
        if os.getuid() == 0:
            os.chown(self.home, 65534, 65534)
            self.prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        self.env = {"PATH": "/usr/bin:/bin", "HOME": self.home, "LC_ALL": "C.UTF-8",
                    "WIRESHARK_PLUGIN_DIR": os.path.join(self.stage, "plugins")}

    def close(self):
        shutil.rmtree(self.stage, ignore_errors=True)

    def run(self, cmd):
        proc = subprocess.run(self.prefix + ["bash", "-o", "pipefail", "-c", cmd], cwd=self.stage,
                              env=self.env, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit("make_tutorial: command failed (%d): %s\n%s" % (proc.returncode, cmd, proc.stderr))
        return "\n".join(line.rstrip() for line in proc.stdout.rstrip("\n").split("\n"))


R = None  # the Runner


def shown(cmd):
    """A command and its real output, as a Markdown code block."""
    out = R.run(cmd)
    return "\n```console\n$ %s\n%s\n```\n" % (cmd, out) if out else "\n```console\n$ %s\n```\n" % cmd


def keys_opt(capture):
    return '-o "uat:ikev1_decryption_table:$(cat test-pcaps/%s.keys)"' % capture


def has_keys(capture):
    return os.path.exists(os.path.join(PCAPS, capture + ".keys"))


_VERDICTS = {}


def verdicts(capture, keys=False):
    """{exchange: (outcome, stall, cause)} from the frames that carry a verdict."""
    if (capture, keys) in _VERDICTS:
        return _VERDICTS[capture, keys]
    cmd = ("tshark -2 %s -r test-pcaps/%s.pcap -Y ikediag.outcome -T fields -e ikediag.verdict.exchange "
           "-e ikediag.outcome -e ikediag.stall -e ikediag.cause" % (keys_opt(capture) + " " if keys else "", capture))
    out = {}
    for line in R.run(cmd).splitlines():
        cells = (line.split("\t") + ["", "", "", ""])[:4]
        out[cells[0]] = (cells[1], cells[2] or "-", cells[3] or "-")
    _VERDICTS[capture, keys] = out
    return out


def check(capture):
    """Stop if the plugin's verdicts differ from what the prose says."""
    plain = verdicts(capture)
    keyed = verdicts(capture, keys=True) if has_keys(capture) else plain
    for exchange, (outcome, stall, cause, cause_keys) in EXPECT[capture].items():
        got = plain.get(exchange)
        got_keys = keyed.get(exchange)
        if got != (outcome, stall, cause) or got_keys != (outcome, stall, cause_keys):
            sys.exit("make_tutorial: %s %s: test-pcaps/MANIFEST (and the prose) say %s/%s/%s (keys: %s), the plugin "
                     "says %s (keys: %s)" % (capture, exchange, outcome, stall, cause, cause_keys, got, got_keys))
    return plain, keyed


def verdict_words(v):
    """'MM complete; QM1 stalled at QM#2: qm-rejected' from verdicts()."""
    parts = []
    for exchange, (outcome, stall, cause) in v.items():
        if outcome == "stalled":
            parts.append("%s stalled at %s: `%s`" % (exchange, stall, cause))
        else:
            parts.append("%s %s" % (exchange, outcome))
    return "; ".join(parts)


def seed_table(link_prefix, compact=False):
    if compact:
        rows = ["| case in the article | capture | ikediag verdict without keys | with the capture's keys | note |",
                "|---|---|---|---|---|"]
    else:
        rows = ["| case in the article | capture | misconfiguration in the capture (strongSwan) | ikediag verdict "
                "without keys | with keys | capture vs. the article |",
                "|---|---|---|---|---|---|"]
    for case, capture, change, fidelity in SEED_CASES:
        plain, keyed = check(capture)
        with_keys = verdict_words(keyed) if has_keys(capture) else "no key file (no SA got keys)"
        link = "[`%s`](%stest-pcaps/%s.pcap)" % (capture, link_prefix, capture)
        if compact:
            rows.append("| %s | %s | %s | %s | %s |" % (case, link, verdict_words(plain), with_keys,
                                                         "" if fidelity == "same" else fidelity))
        else:
            rows.append("| %s | %s | %s | %s | %s | %s |" % (case, link, change, verdict_words(plain), with_keys,
                                                              fidelity))
    return "\n".join(rows) + "\n"


FOLD = " | fold -s -w 100"


def verdict_block(capture, keys=False):
    k = keys_opt(capture) + " " if keys else ""
    return shown("tshark -2 %s-r test-pcaps/%s.pcap -Y ikediag.cause -T fields -e frame.number -e ikediag.stall "
                 "-e ikediag.cause -e ikediag.offered" % (k, capture)) + \
        shown("tshark -2 %s-r test-pcaps/%s.pcap -Y ikediag.cause -T fields -e ikediag.cause.text%s" % (k, capture, FOLD))


def sa_table_text(prefix):
    """The SA table screenshot if docs/make-screenshots.sh could make it."""
    if os.path.exists(os.path.join(ROOT, "docs", "img", "sa-table.png")):
        return ("*Statistics > IKE SAs (ikediag)*: the `-z ikediag,sa` table of section 1, here for the "
                "transform-set mismatch of section 4 with its keys:\n\n![IKE SAs table](%ssa-table.png)\n" % prefix)
    return ("*Statistics > IKE SAs (ikediag)* should show the `-z ikediag,sa` table of section 1, but with the "
            "current plugin opening it makes Wireshark 4.0 crash, so `docs/make-screenshots.sh` has no picture "
            "of it yet.\n")


def write_tutorial():
    check_claims()
    for capture in EXPECT:
        check(capture)
    md = []
    add = md.append
    version = R.run("tshark --version | head -1").rstrip(".")
    add("""<!-- Generated by docs/make-tutorial.sh from docs/make_tutorial.py: edit that, not this. -->
# Reading a failing IPsec VPN in a capture: a walk-through with ikediag

This project grew from the article *Troubleshooting Site-to-Site IPSec VPN with Crypto Maps*
(a blog post of a CCIE Security study series, titled "CCIE Security: Troubleshooting
Site-to-Site IPSec VPN with Crypto Maps"), a Cisco-oriented troubleshooting guide that
breaks a working IOS/ASA crypto-map VPN one setting at a time and shows the
`debug crypto isakmp` / `debug crypto ipsec` output of each broken configuration on both
routers. This tutorial starts with IKEv1 in one page (the two phases, the nine messages,
where each failure stops, Aggressive Mode and NAT traversal), then walks the article's path
with packet captures instead of debugs: a clean Main Mode + Quick Mode, then each broken
configuration, what the wire shows, the verdict ikediag prints, and the fix. Exercises with
answers close it.

The captures are the project's own ([test-pcaps/](../test-pcaps/README.md)): two strongSwan
5.9.8 peers in IKEv1, left 198.51.100.1 (the initiator, protecting 192.0.2.0/28) and right
198.51.100.2 (the responder, protecting 192.0.2.128/28), captured on the responder's
interface, with both daemons' logs. strongSwan's settings have Cisco counterparts:

| Cisco IOS | strongSwan (`swanctl.conf`) |
|---|---|
| `crypto isakmp policy N` (encryption, hash, group, authentication) | connection `proposals` (e.g. `aes128-sha256-modp2048`), `local.auth` / `remote.auth` |
| `crypto isakmp key KEY address PEER` | `secrets { ike-x { id = PEER  secret = KEY } }` |
| `crypto ipsec transform-set` (esp-aes, esp-sha256-hmac, mode tunnel/transport) | child `esp_proposals` (e.g. `aes128-sha256`), child `mode` |
| `set pfs groupN` in the crypto map | a DH group in `esp_proposals` (e.g. `aes128-sha256-modp2048`) |
| `set peer ADDRESS` in the crypto map | connection `remote_addrs` |
| `match address ACL` in the crypto map (the proxy IDs) | child `local_ts` / `remote_ts` |

Every command below was run by `docs/make-tutorial.sh` on the captures in the repository, and
the output under it is what it printed; run them from the repository's top folder with the
plugin installed (`scripts/setup.sh`) to see the same. The tshark used: `%s`.
Verdicts that rest on silence are known only once the whole capture is read, hence `-2`
(two passes) everywhere.

**Contents**

- [IKEv1 in one page](#ikev1-in-one-page): the phases, the messages, where each failure stops
- [Aggressive Mode in short](#aggressive-mode-in-short)
- [NAT traversal in short](#nat-traversal-in-short)

1. [A clean Main Mode and Quick Mode](#1-a-clean-main-mode-and-quick-mode)
2. [ISAKMP policy mismatch](#2-isakmp-policy-mismatch-seen-from-the-initiator) (encryption, hash, DH group, authentication)
3. [Pre-shared key mismatch](#3-pre-shared-key-mismatch)
4. [Transform set mismatch](#4-transform-set-mismatch) (encryption, hash), [tunnel vs transport](#43-tunnel-vs-transport)
5. [Wrong peer in the crypto map](#5-wrong-peer-in-the-crypto-map)
6. [Wrong crypto ACL (proxy IDs)](#6-wrong-crypto-acl-proxy-ids)
7. [The same in the Wireshark window](#7-the-same-in-the-wireshark-window)
8. [Beyond the article](#8-beyond-the-article)
9. [Summary: every case of the article, its capture, the verdict](#9-summary-every-case-of-the-article-its-capture-the-verdict)
10. [Exercises](#10-exercises)
""" % version)

    # ---- overview -------------------------------------------------------------------
    c = "ok-main-quick"
    add("""
## IKEv1 in one page

An IKEv1 site-to-site VPN comes up in two phases:

- **Phase 1** builds the *ISAKMP SA* (Cisco: `show crypto isakmp sa`), a protected channel
  between the two peers: they agree on a policy, run a Diffie-Hellman exchange, and prove to
  each other who they are (pre-shared key or certificate). Usually **Main Mode**, six
  messages MM#1..MM#6; sometimes **Aggressive Mode**, three (below).
- **Phase 2** (**Quick Mode**, QM#1..QM#3, encrypted under phase 1's keys) builds the
  *IPsec SAs* that carry the traffic (`show crypto ipsec sa`): which traffic (the proxy IDs,
  from the crypto ACL) and how to protect it (the transform set). Then ESP flows.

The peer that sends the first message is the *initiator*, the other the *responder*.
The ladder of the clean capture of section 1, as ikediag draws it (in Wireshark:
*Statistics > Flow Graph*, flow type *IKEv1 (ikediag)*; the port numbers are in brackets):
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -q -z flow,ikediag,network" % c))
    add("""
What each message carries:

| message | from | carries | readable without keys? | Cisco state after it |
|---|---|---|---|---|
| MM#1 | initiator | its ISAKMP policies (encryption, hash, DH group, authentication, lifetime) | yes | `MM_NO_STATE` |
| MM#2 | responder | the one policy it accepts | yes | `MM_SA_SETUP` |
| MM#3 | initiator | Diffie-Hellman public value, nonce, NAT-D hashes | yes | `MM_SA_SETUP` |
| MM#4 | responder | the same from the responder; both sides can now compute the keys (with a PSK, the key goes into them) | yes | `MM_KEY_EXCH` |
| MM#5 | initiator | its identity (ID) and a HASH that proves it knows the key | no, encrypted | `MM_KEY_EXCH` |
| MM#6 | responder | the responder's ID and HASH; phase 1 is up | no, encrypted | `QM_IDLE` |
| QM#1 | either peer | the IPsec proposals (transform set, PFS group) and the proxy IDs | no, encrypted | `QM_IDLE` |
| QM#2 | the other | the chosen proposal, the proxy IDs confirmed | no, encrypted | `QM_IDLE` |
| QM#3 | QM#1's sender | an acknowledgement; phase 2 is up, ESP follows | no, encrypted | `QM_IDLE` |

Instead of the expected message, a peer may send an **Informational** (ikediag: `INFO`)
with an error notify such as NO-PROPOSAL-CHOSEN; before MM#5 it is in clear, after it
encrypted. ikediag labels every ISAKMP frame with its message (`ikediag.msg`), its role and
the Cisco state, and when an exchange stops it names the **stall point**: the message that
never came or was never accepted. The stall point already says which setting to look at:

| stall point | what happened | typical causes | ikediag cause ids | section |
|---|---|---|---|---|
| MM#2 | MM#1 unanswered or refused | peer down or UDP 500 filtered; policy mismatch (encryption, hash, DH group, authentication); no policy, key or peer entry for the initiator; an IKEv2-only peer | `no-response`, `isakmp-policy` | [2](#2-isakmp-policy-mismatch-seen-from-the-initiator) |
| MM#3 | MM#2 sent, but the initiator resends MM#1 | MM#2 dropped on the way back | `reply-lost` | |
| MM#4 | MM#3 refused | the responder has no pre-shared key for this peer; authentication method mismatch (strongSwan) | `key-exchange` | [2.2](#22-authentication-type) |
| MM#5 | MM#5 sent and not accepted, or never sent | pre-shared key or identity mismatch; UDP 4500 blocked after the NAT-T float; the initiator has no key; MM#4 dropped on the way back | `psk-mismatch`, `id-mismatch` (keys), `nat-t-blocked`, `mm5-missing`, `reply-lost` | [3](#3-pre-shared-key-mismatch), [NAT-T](#nat-traversal-in-short) |
| MM#6 | MM#6 arrived and the initiator refused it | the responder's identity or certificate is not what the initiator expects | `peer-auth-rejected` | |
| AM#2, AM#3 | Aggressive Mode refused, or its hash does not verify | Aggressive Mode not allowed; pre-shared key mismatch | `aggressive-refused`, `isakmp-policy`, `no-response`, `psk-mismatch` | [Aggressive Mode](#aggressive-mode-in-short) |
| QM#2 | QM#1 refused or unanswered | transform set (ESP encryption, integrity), PFS, tunnel vs transport mode, proxy IDs (crypto ACL), peer not in the crypto map | `qm-rejected`; with keys `transform-set` or `proxy-id`; `qm-no-response` | [4](#4-transform-set-mismatch), [5](#5-wrong-peer-in-the-crypto-map), [6](#6-wrong-crypto-acl-proxy-ids) |
| QM#3 | QM#2 came, no QM#3 | the initiator refused QM#2 or could not install the SA; QM#3 lost | `qm3-missing`, `reply-lost` | |

Anything else is `unclassified` (the stall point is still given); an exchange the capture
cuts off before its end is `cut`, not stalled. The full list is the
[Causes table](../README.md#causes-stable-ids) of the README.

## Aggressive Mode in short

Aggressive Mode does phase 1 in three messages: AM#1 carries the initiator's policies,
Diffie-Hellman value, nonce **and identity**; AM#2 the responder's choice, its DH value,
identity and authenticating HASH; AM#3 the initiator's HASH. It is faster, but nothing of it is
encrypted before AM#3, so the identities travel in clear, and with a pre-shared key the
HASH in AM#2 lets anyone who captured it try keys offline (`psk-crack` of ike-scan). That is
why strongSwan refuses Aggressive Mode with PSK unless told otherwise. Capture
[`ok-aggressive-quick.pcap`](../test-pcaps/ok-aggressive-quick.pcap), Aggressive Mode then
Quick Mode:
""")
    c = "ok-aggressive-quick"
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag -T fields -e frame.number -e udp.dstport -e ikediag.msg "
              "-e ikediag.role -e ikediag.state" % c))
    add("\nThe initiator's identity (here its address) and its offer, read from AM#1 without any key:\n")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y 'ikediag.msg == \"AM#1\"' -T fields -e isakmp.id.data.ipv4_addr "
              "-e ikediag.offered" % c))
    add("""
Two ways it fails. [`am-refused.pcap`](../test-pcaps/am-refused.pcap): the responder does not
allow Aggressive Mode with a pre-shared key and answers AM#1 with a clear Informational
(AUTHENTICATION-FAILED). [`am-psk-mismatch.pcap`](../test-pcaps/am-psk-mismatch.pcap): the
keys differ; here it is the *initiator* that finds out, when AM#2's hash does not verify:
it answers with an encrypted Informational, and the responder keeps resending AM#2. The
verdict is stalled at AM#3, `psk-mismatch`:
""")
    add(shown("for c in am-refused am-psk-mismatch; do tshark -2 -r test-pcaps/$c.pcap -Y ikediag -T fields "
              "-e frame.number -e ikediag.msg -e ikediag.role -e ikediag.stall -e ikediag.cause | sed \"s/^/$c\\t/\"; done"))
    add("""
**Fix**: prefer Main Mode. Where Aggressive Mode is needed (a peer with a dynamic address
and a pre-shared key), allow it on the responder (Cisco: it is on unless `crypto isakmp
aggressive-mode disable`; strongSwan `aggressive = yes` and
`charon.i_dont_care_about_security_and_use_aggressive_mode_psk = yes`) and use the same key
on both sides.

## NAT traversal in short

IPsec's ESP has no ports, so a NAT cannot map it. NAT traversal (NAT-T, RFC 3947/3948) finds
out whether a NAT sits between the peers and, if so, moves everything into UDP port 4500:

1. Both peers announce NAT-T support with vendor IDs in MM#1/MM#2.
2. MM#3 and MM#4 carry **NAT-D** payloads: hashes of the addresses and ports each side
   believes it sends from and to. If a received hash does not match the packet's real
   address and port, something rewrote it: a NAT. ikediag shows the result as `ikediag.nat`
   (`detected` or `none`).
3. If a NAT is detected, MM#5 onward **floats** to UDP 4500 (both ports), and ESP is
   carried in UDP 4500 too. On 4500, an IKE message starts with four zero bytes, the
   **non-ESP marker**, so the receiver can tell it from ESP; Wireshark shows it as
   *UDP Encapsulation of IPsec Packets* (`udpencap`). One-byte 0xFF packets on 4500 are NAT
   keepalives.

Capture [`ok-nat-t.pcap`](../test-pcaps/ok-nat-t.pcap), through a real source NAT (the
initiator 198.51.100.1 appears as 203.0.113.254, the capture is on the responder's side):
""")
    c = "ok-nat-t"
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y 'frame.number <= 11' -T fields -e frame.number -e ip.src "
              "-e udp.dstport -e ikediag.msg -e ikediag.nat -e udpencap.non_esp_marker -e frame.protocols" % c))
    add("""
Frames 1-4 go on port 500; MM#3/MM#4 find the NAT; from MM#5 on, IKE runs on 4500 behind the
non-ESP marker (the `1` column: the marker is present), and ESP follows in UDP 4500.

**A caveat about these captures.** Most strongSwan captures in this corpus (`ok-main-quick`
among them) read `detected` although no NAT sits between the peers. The daemons use
strongSwan's userspace ESP (kernel-libipsec), which needs UDP encapsulation, and strongSwan
forces it by sending a deliberately wrong NAT-D hash of its own address; the receiver then
"detects" a NAT and floats to 4500. On the wire that is indistinguishable from a real NAT,
so ikediag says `detected`, correctly for what the hashes say. The captures made with the
kernel's own IPsec backend (for example those whose names end in `-no-nat` or `-no-fake`;
[test-pcaps/README.md](../test-pcaps/README.md) says which) have honest hashes: without a NAT they read
`none` and stay on port 500:
""")
    add(shown("for c in ok-main-quick ok-main-quick-no-nat ok-nat-t; do tshark -2 -r test-pcaps/$c.pcap "
              "-Y 'ikediag.msg == \"MM#5\"' -T fields -e ikediag.nat -e udp.dstport | sed \"s/^/$c\\t/\"; done"))
    c = "nat-t-4500-blocked"
    add("""
So `detected` means "the NAT-D hashes differ", which is a NAT or a peer that forces UDP
encapsulation. What breaks NAT-T is a firewall that passes UDP 500 but not 4500: capture
[`%s.pcap`](../test-pcaps/%s.pcap), the responder's firewall drops UDP 4500. MM#1..MM#4
work on port 500, then the initiator sends MM#5 four times on UDP 4500 and nothing comes back:
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag -T fields -e frame.number -e udp.dstport -e ikediag.msg "
              "-e ikediag.retransmission.count -e ikediag.stall -e ikediag.cause" % c))
    add("""
A pre-shared key mismatch also stops at MM#5, but strongSwan and ASA responders answer
each MM#5 copy (section 3); total silence right after the move to 4500, while port 500
worked, is `nat-t-blocked`. (A Cisco IOS responder stays silent on a wrong key too: check
UDP 4500 on the path first, then the key.) **Fix**: allow UDP 4500 (and 500) both ways between the peers on every
firewall and NAT box on the path; capture with `udp port 500 or udp port 4500`, or half
of the negotiation is missing.
""")

    # ---- 1 ------------------------------------------------------------------------
    c = "ok-main-quick"
    add("""
## 1. A clean Main Mode and Quick Mode

The article starts with `clear crypto session` and a ping that brings the tunnel up. Here the
same thing is `swanctl --initiate` on the left peer followed by a ping through the tunnel:
capture [`%s.pcap`](../test-pcaps/%s.pcap). Nine ISAKMP messages, then ESP:
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap" % c))
    add("""
ikediag appends `[MM#3 I→R]`-style tags to the Info column: the message's place in its exchange
(Main Mode MM#1..MM#6, Quick Mode QM#1..QM#3) and its direction (initiator to responder or
back). The article's debug walk names the same messages. Ask for the fields to get the
sender's role, the state a Cisco router would show in `show crypto isakmp sa` after the
message, and a plain-words explanation of what each message carries:
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag -T fields -e frame.number -e ikediag.msg "
              "-e ikediag.role -e ikediag.state" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag -T fields -e ikediag.explain%s" % (c, FOLD)))
    add("""
Read it like the article's debug:

- **MM#1, MM#2**: parameter negotiation. The initiator offers its ISAKMP policies, the
  responder answers with the one it accepts. ikediag shows both as `ikediag.offered` and
  `ikediag.chosen` (first command below). A Cisco router is now in `MM_SA_SETUP`.
- **MM#3, MM#4**: the Diffie-Hellman exchange, with the NAT-D hashes that tell whether a NAT
  sits between the peers (the article's "NAT-T did its job"). Both sides can now compute the
  keys, and the pre-shared key goes into them. State `MM_KEY_EXCH`.
- **MM#5, MM#6**: encrypted; each peer sends its identity and proves it knows the key. Here
  they go to UDP 4500: both peers announced NAT-T and these strongSwan daemons force UDP
  encapsulation even without a NAT (test-pcaps/README.md explains why). They force it by
  sending a NAT-D hash that does not match their own address, so although no NAT sits
  between them, MM#3/MM#4 read as a NAT and ikediag says `ikediag.nat` `detected`, and the
  move to 4500 happens. After MM#6 phase 1 is up: `QM_IDLE`.
- **QM#1..QM#3**: phase 2, encrypted under the phase-1 keys. QM#1 carries the IPsec
  proposals (the transform set) and the proxy IDs (the crypto ACL), QM#2 the responder's
  choice, QM#3 the acknowledgement. Then ESP flows.

Without keys Quick Mode is opaque: ikediag numbers it from the headers alone. With the
capture's key file (initiator cookie and encryption key, logged by the daemon) Wireshark
decrypts phase 2 and ikediag reads the transform set offered in QM#1 and chosen in QM#2:
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y 'ikediag.msg == \"MM#1\" or ikediag.msg == \"MM#2\"' -T fields "
              "-e frame.number -e ikediag.msg -e ikediag.offered -e ikediag.chosen" % c))
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y 'ikediag.msg contains \"QM\"' -T fields -e frame.number "
              "-e ikediag.msg -e ikediag.offered -e ikediag.chosen" % (keys_opt(c), c)))
    add("""
The NAT-D verdict of MM#3/MM#4 (`detected` here, as explained above: strongSwan's faked hash,
not a real NAT):
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y 'ikediag.msg == \"MM#3\" or ikediag.msg == \"MM#4\"' -T fields "
              "-e frame.number -e ikediag.msg -e ikediag.nat" % c))
    add("""
`udp-tunnel` is tunnel mode with UDP encapsulation (NAT-T). Two summaries: one line per
exchange with `-z ikediag,sa`, and a ladder with `-z flow,ikediag,network`:
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -q -z ikediag,sa" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -q -z flow,ikediag,network" % c))

    # ---- 2 ------------------------------------------------------------------------
    c = "p1-encryption-mismatch"
    add("""
## 2. ISAKMP policy mismatch, seen from the initiator

The article changes the ISAKMP policy on the remote peer. From the initiator, "it never makes
it past the MM#1 and #2 exchange". Capture [`%s.pcap`](../test-pcaps/%s.pcap): the responder
only accepts AES-256 in phase 1 (`proposals = aes256-sha256-modp2048`, Cisco `encryption aes
256` in its `crypto isakmp policy`), the initiator offers AES-128:
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap" % c))
    add("""
No MM#2: the responder answers MM#1 with an Informational message. It is not encrypted (no
keys exist yet), so anyone can read its notify, and ikediag's expert info names it and the
request it refuses:
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -q -z expert" % c))
    add("The verdict, on the frame that shows it (the stall point is the message that never came):\n")
    add(verdict_block(c))
    add("""
`ikediag.offered` is what the initiator proposed in MM#1 (encryption/hash/DH group/
authentication); compare it with the peer's policy. `ikediag.cause.cisco` gives the line a Cisco
responder would have logged:
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.cause -T fields -e ikediag.cause.cisco" % c))
    add("""
### 2.1 Encryption, hash or DH group: the wire is the same

The article lists what a rejected policy can be: encryption, hash, Diffie-Hellman group,
authentication type. From the initiator's side the three proposal mismatches look exactly
alike; here are the encryption, hash ([`p1-hash-mismatch`](../test-pcaps/p1-hash-mismatch.pcap):
responder `aes128-sha1-modp2048`) and DH group
([`p1-dh-group-mismatch`](../test-pcaps/p1-dh-group-mismatch.pcap): responder
`aes128-sha256-modp3072`) captures side by side:
""")
    add(shown("for c in p1-encryption-mismatch p1-hash-mismatch p1-dh-group-mismatch; do tshark -2 -r "
              "test-pcaps/$c.pcap -Y ikediag.cause -T fields -e ikediag.stall -e ikediag.cause -e ikediag.offered; done"))
    add("""
Same stall point, same cause, same offer: a capture taken anywhere cannot tell which
parameter the responder disliked, because the responder never says. As the article puts it,
"the responder always gets a bit more detail": its log names the mismatch. strongSwan's
equivalent of the responder's `debug crypto isakmp`:
""")
    add(shown("grep -h -E 'received proposals|configured proposals|no proposal found' test-pcaps/logs/p1-encryption-mismatch.right.log "
              "test-pcaps/logs/p1-hash-mismatch.right.log test-pcaps/logs/p1-dh-group-mismatch.right.log"))
    add("""
**Fix**: give both peers one identical policy. On Cisco, a `crypto isakmp policy` on the
responder whose `encryption`, `hash`, `group` and `authentication` equal one the initiator
offers (compare with `show crypto isakmp policy` on both); on strongSwan, a common entry in
`proposals` (here `aes128-sha256-modp2048` on the right, or `aes256-...` on the left). If you
only have the initiator side and cannot get the peer's configuration, the article's advice
holds: let the other side initiate, or read `ikediag.offered` out to the peer's admin.

### 2.2 Authentication type

Capture [`p1-auth-method-mismatch.pcap`](../test-pcaps/p1-auth-method-mismatch.pcap): the
initiator authenticates with a pre-shared key, the responder with an RSA certificate (Cisco
`authentication pre-share` against `authentication rsa-sig`). A Cisco responder refuses this
in MM#1, as for the other policy parameters. strongSwan does not: it accepts MM#1, and only
when MM#3 arrives does it look for a pre-shared key for the peer, find none, and refuse with
INVALID-KEY-INFORMATION. The capture therefore stops one step later:
""")
    c = "p1-auth-method-mismatch"
    add(shown("tshark -2 -r test-pcaps/%s.pcap" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -q -z expert" % c))
    add(verdict_block(c))
    add(shown("grep -h -E 'selected proposal|no shared key found' test-pcaps/logs/%s.right.log" % c))
    add("""
The verdict `key-exchange` (stalled at MM#4) is right about the wire: the responder has no
pre-shared key for this peer, which is also what a wrong `crypto isakmp key ... address` gives.
**Fix**: the same authentication method on both sides (Cisco `authentication` in the
`crypto isakmp policy`; strongSwan `local.auth` / `remote.auth`), and for PSK a key for the
peer's address on both.
""")

    # ---- 3 ------------------------------------------------------------------------
    c = "p1-psk-mismatch"
    add("""
## 3. Pre-shared key mismatch

"From the initiator side, everything will look correct until you get to MM#5 where the peers
are authenticating and it will fail." Capture [`%s.pcap`](../test-pcaps/%s.pcap): the two
peers have different `secret`s (Cisco: different keys in `crypto isakmp key KEY address PEER`):
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap" % c))
    add("""
MM#1 to MM#4 go through: the policy matches and each side has *a* key for the other, so the
Diffie-Hellman exchange completes. But the keys that encrypt MM#5 are derived from the
pre-shared key, so the responder cannot decrypt it. The initiator "will clearly fail and start
retransmitting until it times out": MM#5 is sent again about 1, 2.4 and 4.4 s later (byte-identical
copies, which ikediag flags as resends), and each copy is answered by an encrypted
Informational (strongSwan's; a Cisco IOS responder stays silent, an ASA answers in clear).
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -q -z expert" % c))
    add(verdict_block(c))
    add("""
The state column repeats the article's observation that the responder "shows that the key
exchange failed after MM#4 finished ... due to MM_KEY_EXCH": every MM#5 copy leaves the
exchange in `MM_KEY_EXCH`:
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y 'ikediag.msg == \"MM#5\"' -T fields -e frame.number -e ikediag.msg "
              "-e ikediag.retransmission.count -e ikediag.state" % c))
    add("And the responder's log (the first attempt; each copy repeats it):\n")
    add(shown("grep -m 3 -E 'decryption failed|parsing failed|processing failed' test-pcaps/logs/%s.right.log" % c))
    add("""
Without keys, a wrong identity (`crypto isakmp identity`, strongSwan `remote.id`) looks the
same on the wire, which the diagnosis says. **Fix**: re-enter the same key on both peers:
Cisco `crypto isakmp key KEY address PEER` (ASA: `tunnel-group PEER ipsec-attributes`,
`ikev1 pre-shared-key KEY`), strongSwan the `secret` of the `ike` entry whose `id` is the peer.
""")

    # ---- 4 ------------------------------------------------------------------------
    c = "p2-esp-encryption-mismatch"
    add("""
## 4. Transform set mismatch

"By changing the transform set, I should see the Main Mode exchange complete and Phase 2
start. From the initiator, you should see Quick Mode fail on QM#2 where no proposal is
chosen." Capture [`%s.pcap`](../test-pcaps/%s.pcap): the responder's phase 2 only allows
ESP AES-256 (`esp_proposals = aes256-sha256`, Cisco `crypto ipsec transform-set T esp-aes 256
esp-sha256-hmac`), the initiator offers AES-128:
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap" % c))
    add("""
Main Mode completes (MM#6), QM#1 goes out, and an Informational comes back instead of QM#2.
That Informational is encrypted with the phase-1 keys, so without them nobody can read the
reason, and ikediag says what it can:
""")
    add(verdict_block(c))
    add("""
With the capture's keys Wireshark decrypts the Informational, and ikediag reads its
NO-PROPOSAL-CHOSEN notify and what QM#1 offered:
""")
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -q -z expert" % (keys_opt(c), c)))
    add(verdict_block(c, keys=True))
    add("As in the article, the responder's log says exactly what did not match:\n")
    add(shown("grep -h -E 'received proposals: ESP|configured proposals: ESP|no matching proposal' "
              "test-pcaps/logs/%s.right.log" % c))
    add("""
**Fix**: a transform set both sides accept: Cisco `crypto ipsec transform-set` with the same
ESP encryption and integrity on both peers (and the same `set pfs` in both crypto maps),
strongSwan a common `esp_proposals` entry.

### 4.2 Transform set: hash (ESP integrity)

"If I change the encryption back ... and change the hash ... on the responder": capture
[`p2-esp-integrity-mismatch.pcap`](../test-pcaps/p2-esp-integrity-mismatch.pcap), responder
`esp_proposals = aes128-sha1` (Cisco `esp-sha-hmac`), initiator HMAC-SHA-256. The wire is the
same as for encryption; the keys tell the cause, the responder's log the detail:
""")
    c = "p2-esp-integrity-mismatch"
    add(verdict_block(c, keys=True))
    add(shown("grep -h -E 'received proposals: ESP|configured proposals: ESP|no matching proposal' "
              "test-pcaps/logs/%s.right.log" % c))
    c = "p2-tunnel-vs-transport"
    add("""
### 4.3 Tunnel vs transport

"The same goes for when I configure the responder with mode transport and the other peer is
mode tunnel." Capture [`%s.pcap`](../test-pcaps/%s.pcap): left `mode = tunnel`, right
`mode = transport` (Cisco `mode transport` in the responder's transform set). Without keys
it is again a refused Quick Mode:
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.cause -T fields -e frame.number -e ikediag.stall "
              "-e ikediag.cause" % c))
    add("""
With the keys, the notify shows the difference between the vendors: a Cisco responder refuses
the mode in the proposal (NO-PROPOSAL-CHOSEN, "transform proposal not supported"), but
strongSwan looks for a child configuration matching both the traffic and the mode, finds
none, and answers INVALID-ID-INFORMATION, the notify for a proxy-ID mismatch. ikediag goes by
the notify, so it says `proxy-id`, and its diagnosis names the mode as the other candidate:
""")
    add(verdict_block(c, keys=True))
    add(shown("grep -h -E 'no matching CHILD_SA config' test-pcaps/logs/%s.right.log" % c))
    add("""
**Fix**: the same mode on both sides (Cisco `mode tunnel` in both transform sets; strongSwan
`mode = tunnel`). Site-to-site crypto maps use tunnel mode.
""")

    # ---- 5 ------------------------------------------------------------------------
    c = "p1-responder-other-peer"
    add("""
## 5. Wrong peer in the crypto map

The article mistypes the peer address in the responder's crypto map (`set peer`); the
responder's `debug crypto ipsec` then says the peer is not found in the crypto map and phase 2
is refused. Phase 1 is unaffected on Cisco, because `crypto isakmp key ... address` still
matches the real peer.

**The corpus has no capture of that exact case.** strongSwan has no separate crypto map: the
peer address belongs to the connection (`remote_addrs`), so a wrong peer address there means
the responder has no connection at all for the initiator, and it refuses already in MM#1. The
nearest capture is [`%s.pcap`](../test-pcaps/%s.pcap), a responder whose connection is for
198.51.100.77:
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap" % c))
    add(verdict_block(c))
    add(shown("grep -h -E 'no IKE config found' test-pcaps/logs/%s.right.log" % c))
    add("""
strongSwan answers an unknown peer with the same NO-PROPOSAL-CHOSEN as a policy mismatch, so
the verdict is `isakmp-policy`, and its candidates include "no policy, PSK or peer entry for
this initiator". With the Cisco router of the article, the capture would instead show a
complete Main Mode and a Quick Mode refused at QM#2 (`qm-rejected`; with keys `transform-set`,
because Cisco IOS answers with NO-PROPOSAL-CHOSEN; see section 4). **Fix**: the crypto map's
`set peer` must be the address the peer really uses (strongSwan `remote_addrs`), and
`crypto isakmp key` must name the same address.
""")

    # ---- 6 ------------------------------------------------------------------------
    c = "p2-traffic-selector-mismatch"
    add("""
## 6. Wrong crypto ACL (proxy IDs)

"Now lets say I mess up and put the wrong ACL in the crypto map ... On the responder, it will
clearly state that the proxy IDs are what were not supported." Capture
[`%s.pcap`](../test-pcaps/%s.pcap): the initiator protects 192.0.2.0/28 to 192.0.2.128/28,
but the responder expects the far subnet to be 192.0.2.16/28 (`remote_ts`; Cisco: the crypto
ACL in `match address` is not the mirror image of the peer's):
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap" % c))
    add(verdict_block(c))
    add("With the keys the notify is INVALID-ID-INFORMATION and the cause narrows to `proxy-id`:\n")
    add(verdict_block(c, keys=True))
    add(shown("grep -h -E 'no matching CHILD_SA config' test-pcaps/logs/%s.right.log" % c))
    add("""
The proxy IDs the initiator sent are in the decrypted QM#1: Wireshark's ISAKMP dissector
shows its two Identification payloads, the initiator's subnet then the responder's (address,
mask):
""")
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y 'ikediag.msg == \"QM#1\"' -T fields "
              "-e isakmp.id.data.ipv4_addr -e isakmp.id.data.ipv4_subnet -E occurrence=a -E aggregator=," % (keys_opt(c), c)))
    add("""
**Fix**: make the crypto ACLs mirror images: the initiator's `permit ip 192.0.2.0 0.0.0.15
192.0.2.128 0.0.0.15` must meet `permit ip 192.0.2.128 0.0.0.15 192.0.2.0 0.0.0.15` on the
responder; in strongSwan each side's `local_ts` is the other's `remote_ts`.
""")

    # ---- 7 ------------------------------------------------------------------------
    add("""
## 7. The same in the Wireshark window

Everything above is also in the GUI. With the profile shipped in
[profiles/ikediag](../profiles/README.md) the packet list has *IKE msg*, *Role* and *Cause*
columns, resends are orange, refusals pink and the frame with a stalled exchange's verdict
red. The PSK mismatch of section 3:

![packet list](img/packet-list.png)

Frame 11 selected, the *IKE diagnosis* subtree open: the message, the role, the resend link,
the Cisco state, the explanation, then the verdict (outcome, stall point, cause, diagnosis,
what to check, what a Cisco responder would log, the evidence frames):

![packet detail](img/packet-detail.png)

*Analyze > Expert Information*: the stall and every resend:

![expert information](img/expert-info.png)

*Statistics > Flow Graph*, flow type *IKEv1 (ikediag)*: the ladder, with the verdict in the
comment column:

![flow graph](img/flow-graph.png)

%s
`docs/make-screenshots.sh` re-makes the pictures from the current code with the real
Wireshark under Xvfb.
""" % sa_table_text("img/"))

    # ---- 7b: beyond the article ------------------------------------------------------
    add("""
## 8. Beyond the article

The corpus has more failures than the article breaks. One line per verdict (capture, stall
point, cause without keys); `tshark -2 -r test-pcaps/NAME.pcap -Y ikediag.cause -T fields -e ikediag.cause.text`
gives the diagnosis, and [test-pcaps/README.md](../test-pcaps/README.md) the scenarios:
""")
    others = [c for c in ("p1-responder-down", "p1-responder-filtered", "p1-no-psk-for-peer", "nat-t-4500-blocked", "am-refused",
                          "am-psk-mismatch", "p2-pfs-one-side", "p2-pfs-group-mismatch", "p2-qm-no-response",
                          "qm3-initiator-install-fails", "p1-id-mismatch", "p1-peer-id-rejected")
              if os.path.exists(os.path.join(PCAPS, c + ".pcap"))]
    add(shown("for c in %s; do tshark -2 -r test-pcaps/$c.pcap -Y ikediag.cause -T fields -e ikediag.stall "
              "-e ikediag.cause | sed \"s/^/$c\\t/\"; done | column -t" % " ".join(others)))
    add("""
PFS is the one phase-2 setting the article does not break: `set pfs group14` on one crypto
map only (strongSwan: a DH group in one side's `esp_proposals`) or different groups is
refused like a transform set (`transform-set` with keys).
""")

    # ---- 8 ------------------------------------------------------------------------
    add("""
## 9. Summary: every case of the article, its capture, the verdict

Each verdict below is what `tshark -2 -r test-pcaps/CAPTURE.pcap -Y ikediag.outcome -T fields
-e ikediag.verdict.exchange -e ikediag.outcome -e ikediag.stall -e ikediag.cause` prints for
the capture (with `-o "uat:ikev1_decryption_table:$(cat test-pcaps/CAPTURE.keys)"` for the
keys column).

""")
    add(seed_table("../"))
    add("""
What the table teaches is the article's point: the stall point says which phase and which
step broke (MM#2: the policy; MM#4: the key lookup; MM#5: the key itself; QM#2: phase 2),
and the responder knows more than the initiator. Without keys a refused Quick Mode is only
`qm-rejected`; with the keys (or the responder's log) it becomes `transform-set` or
`proxy-id`.
""")

    # ---- 10: exercises ----------------------------------------------------------------
    add("""
## 10. Exercises

Five captures from [test-pcaps/](../test-pcaps/README.md) that the sections above do not
walk through. For each: open it in Wireshark with the [ikediag profile](../profiles/README.md)
(or run tshark as above), find the message where the exchange stalls, say what the cause is
and what you would check on each peer. Start with the *IKE msg* column or
`tshark -2 -r test-pcaps/NAME.pcap`, then `-z ikediag,report` once you have a guess.

1. [`%s.pcap`](../test-pcaps/%s.pcap): Main Mode gets as far as MM#4. Who speaks last,
   and what does it say?
2. [`%s.pcap`](../test-pcaps/%s.pcap): the responder sends MM#4 several times. Is it a
   pre-shared key problem?
3. [`%s.pcap`](../test-pcaps/%s.pcap): refused at once. The responder's administrator swears
   the ISAKMP policy matches. What else refuses an MM#1 like this?
4. [`%s.pcap`](../test-pcaps/%s.pcap) (a libreswan initiator; key file
   `%s.keys`): phase 1 is up. What fails, and what do the keys add?
5. [`%s.pcap`](../test-pcaps/%s.pcap): is this VPN broken?

<details>
<summary>Answers (the verdicts as ikediag prints them, then what to check)</summary>

""" % tuple(x for c in EXERCISES for x in ((c, c, c) if c == "ls-ss-esp-mismatch" else (c, c))))
    add(shown("for c in %s; do tshark -2 -r test-pcaps/$c.pcap -Y ikediag.outcome -T fields "
              "-e ikediag.verdict.exchange -e ikediag.outcome -e ikediag.stall -e ikediag.cause | sed \"s/^/$c\\t/\"; "
              "done | column -t" % " ".join(EXERCISES)))
    c = "ls-ss-esp-mismatch"
    add("""
1. **Stalled at MM#5, `mm5-missing`.** MM#1..MM#4 go through, then the *initiator*
   answers MM#4 with a clear INVALID-KEY-INFORMATION instead of sending MM#5: it has no
   pre-shared key for this responder. Check the initiator's key for the peer's address
   (Cisco `crypto isakmp key KEY address PEER`, strongSwan `secrets`). Without that clear
   notify the same verdict has a second candidate, which the diagnosis names: a capture
   filtered on port 500 only, which hides an MM#5 sent after the NAT-T float.
2. **Stalled at MM#5, `reply-lost`.** Not a key problem: the initiator resends MM#3 every
   time, as if MM#4 never reached it, and the responder answers each copy with MM#4 again.
   MM#4 is dropped on the way back (here by the initiator's own firewall; the capture, on the
   responder's side, still sees every MM#4). Check filters and routing from the responder to the initiator for UDP
   500/4500, and capture on the initiator's side too.
3. **Stalled at MM#2, `isakmp-policy`.** A clear NO-PROPOSAL-CHOSEN, as for a policy
   mismatch, but here the responder only runs IKEv2 for this peer. The diagnosis names the
   candidates the wire cannot tell apart, the IKE version among them: check the version on
   both sides (Cisco `crypto isakmp` vs `crypto ikev2`, strongSwan `version`), then the
   policy, keys and peer entries.
4. **Quick Mode stalled at QM#2, `qm-rejected`; with the keys, `transform-set`.** Phase 1
   completes; QM#1 is answered with an encrypted Informational, and the libreswan initiator
   keeps resending QM#1. Without keys that is all a capture can say. With the key file the
   Informational reads NO-PROPOSAL-CHOSEN, and `ikediag.offered` shows what QM#1 offered;
   the responder's log shows what it wanted:
""")
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y ikediag.cause -T fields -e ikediag.stall -e ikediag.cause "
              "-e ikediag.offered" % (keys_opt(c), c)))
    add(shown("grep -h -E 'received proposals: ESP|configured proposals: ESP' test-pcaps/logs/%s.right.log" % c))
    add("""
   Check the transform sets: ESP AES-128 offered, only AES-256 accepted (section 4).
5. **Quick Mode `cut` at QM#2: nothing to say yet.** Main Mode completes and QM#1 is the
   last frame: the capture stops before the answer could arrive, so ikediag does not call it
   stalled. Capture longer, at least ikediag's silence time
   (`ikediag.silence_seconds`, 10 s by default) past the last message, before judging.

</details>
""")
    return "".join(md)


def write_readme_section():
    table_shot = ", the IKE SAs table" if os.path.exists(os.path.join(ROOT, "docs", "img", "sa-table.png")) else ""
    md = """<!-- Generated by docs/make-tutorial.sh from docs/make_tutorial.py: edit that, not this.
     Text for a section of the top-level README.md. -->
## Learning IKE with ikediag

[docs/tutorial.md](docs/tutorial.md) starts with IKEv1 in one page (the two phases, the nine
messages as a ladder, where each failure stops, Aggressive Mode, NAT traversal). Then it
follows the article the project grew from, *Troubleshooting Site-to-Site IPSec VPN with
Crypto Maps* (a Cisco-oriented troubleshooting guide that breaks a working crypto-map VPN one
setting at a time and shows the router debugs of each broken configuration), with the
bundled captures: a clean Main Mode + Quick Mode, then each broken configuration, what the
wire shows, the verdict ikediag prints, and the fix. Exercises with answers close it.
Every command and output in it is real: `docs/make-tutorial.sh` re-runs them and rewrites
the file, and stops if a verdict no longer matches the text.

![packet list with the ikediag profile](docs/img/packet-list.png)

![the IKE diagnosis subtree of a stalled Main Mode](docs/img/packet-detail.png)

More pictures (Expert Information, Flow Graph%s) are in [docs/img/](docs/img/) and in the
tutorial; `docs/make-screenshots.sh` re-makes them with the real Wireshark under Xvfb.


### The ikediag profile

[profiles/ikediag](profiles/README.md) adds the columns *IKE msg* (`ikediag.msg`), *Role*
(`ikediag.role`) and *Cause* (`ikediag.cause`), colours a stalled exchange's verdict red,
refusals pink, resends orange and completions green, and adds filter buttons. Install it by
copying the folder, `cp -r profiles/ikediag ~/.config/wireshark/profiles/`, or in Wireshark
with *Edit > Configuration Profiles... > Import > from zip file* and
`profiles/ikediag-profile.zip`; then choose *ikediag* in the status bar's profile box (or
`wireshark -C ikediag`).

### The article's broken configurations

""" % table_shot
    md += seed_table("", compact=True)
    md += """
Each verdict is what `tshark -2 -r CAPTURE -Y ikediag.outcome -T fields -e ikediag.verdict.exchange
-e ikediag.outcome -e ikediag.stall -e ikediag.cause` prints; the tutorial shows the diagnosis
text of each and explains the notes.
"""
    return md


def main():
    global R
    args = sys.argv[1:]
    check_only = "--check" in args
    args = [a for a in args if a != "--check"]
    if len(args) != 1:
        sys.exit(__doc__)
    R = Runner(args[0])
    try:
        tutorial = write_tutorial()
        readme = write_readme_section()
    finally:
        R.close()
    outputs = {"docs/tutorial.md": tutorial, "docs/README-docs.md": readme,
               "README.md": spliced_readme(readme)}
    if check_only:
        stale = []
        for name, text in outputs.items():
            try:
                with open(os.path.join(ROOT, name)) as f:
                    if f.read() != text:
                        stale.append(name)
            except FileNotFoundError:
                stale.append(name)
        if stale:
            sys.exit("make_tutorial: stale: %s (run docs/make-tutorial.sh)" % " ".join(stale))
        print("make_tutorial: docs/tutorial.md, docs/README-docs.md and README.md's docs section are current")
        return
    for name, text in outputs.items():
        with open(os.path.join(ROOT, name), "w") as f:
            f.write(text)
    print("make_tutorial: wrote docs/tutorial.md (%d lines), docs/README-docs.md and README.md's docs section"
          % tutorial.count("\n"))


README_BEGIN = "<!-- docs section: made by docs/make-tutorial.sh, do not edit by hand -->\n"
README_END = "<!-- end of docs section -->\n"


def spliced_readme(section):
    """README.md with the text between the two markers replaced by the docs section."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    begin, end = text.find(README_BEGIN), text.find(README_END)
    if begin < 0 or end < begin:
        sys.exit("make_tutorial: README.md lacks the docs section markers")
    body = section.split("-->\n", 1)[1].lstrip("\n")  # drop the generated-file comment
    return text[:begin] + README_BEGIN + body + README_END + text[end + len(README_END):]


if __name__ == "__main__":
    main()
