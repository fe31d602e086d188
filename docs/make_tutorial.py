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

import tutorial_tunnel

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
# The IKEv2 chapter: its walk-through, its exercises, and the captures of its comparison table.
V2_EXERCISES = ("v2-ls-ss-idr-mismatch", "v2-rekey-pfs-mismatch")
V2_CAPTURES = ("v2-ok", "v2-ike-proposal", "v2-invalid-ke", "v2-psk-mismatch", "v2-ts-unacceptable",
               "v2-auth-reply-lost", "v2-nat-t-blocked", "v2-dead-peer", "v2-no-response", "v2-child-proposal",
               "p1-responder-down") + V2_EXERCISES
TUTORIAL_CAPTURES += tuple(c for c in V2_CAPTURES if c not in TUTORIAL_CAPTURES)


def manifest_blocks():
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
    import manifest
    return {c.name[:-len(".pcap")]: c for c in manifest.parse(os.path.join(PCAPS, "MANIFEST"))}


MANIFEST = manifest_blocks()
# capture -> {(sa, exchange): (verdict without keys, verdict with the capture's keys)}, each
# (outcome, stall, cause) or None for an exchange without a verdict.  The keys may change the
# outcome too (an IKEv2 IKE_AUTH that is complete for its IKE SA but refused for its child).
EXPECT = {c: {(e.sa, e.name): (e.expected(False), e.expected(True)) for e in MANIFEST[c].exchanges}
          for c in TUTORIAL_CAPTURES}

# Facts the prose states in its own words (verdicts, NAT, counts), each checked against
# MANIFEST: (capture, what, value as the prose says it).  `what`: an exchange of SA 1 ("MM",
# "AUTH"; "SA2 SA_INIT" for another SA) -> (outcome, stall, cause) without keys; "X with keys"
# -> the cause with keys; "X keyed" -> (outcome, stall, cause) with keys; "resends of MSG";
# "isakmp frames"; "nat".
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
    # the IKEv2 chapter
    ("v2-ok", "isakmp frames", 4),                      # "Four IKE messages, two exchanges"
    ("v2-ok", "SA_INIT", ("complete", "-", "-")),
    ("v2-ok", "AUTH", ("complete", "-", "-")),
    ("v2-ike-proposal", "SA_INIT", ("stalled", "SA_INIT#2", "ike-proposal")),
    ("v2-invalid-ke", "SA_INIT", ("complete", "-", "-")),   # "a note, not a stall"
    ("v2-invalid-ke", "SA_INIT2", ("complete", "-", "-")),
    ("v2-invalid-ke", "AUTH", ("complete", "-", "-")),
    ("v2-psk-mismatch", "AUTH", ("stalled", "AUTH#2", "auth-failed")),
    ("v2-psk-mismatch", "AUTH with keys", "auth-failed"),
    ("v2-ts-unacceptable", "AUTH", ("complete", "-", "-")),  # "complete without keys"
    ("v2-ts-unacceptable", "AUTH keyed", ("stalled", "AUTH#2", "ts-unacceptable")),
    ("v2-auth-reply-lost", "AUTH", ("stalled", "AUTH#2", "reply-lost")),
    ("v2-auth-reply-lost", "resends of AUTH#1", 3),     # "AUTH#1 three more times"
    ("v2-auth-reply-lost", "resends of AUTH#2", 3),
    ("v2-nat-t-blocked", "SA_INIT", ("stalled", "AUTH#1", "nat-t-blocked")),
    ("v2-nat-t-blocked", "SA2 SA_INIT", ("cut", "AUTH#1", "-")),
    ("v2-nat-t-blocked", "isakmp frames", 4),           # "four frames, all on UDP 500"
    ("v2-dead-peer", "INFO1", ("complete", "-", "-")),
    ("v2-dead-peer", "INFO4", ("stalled", "INFO#2", "dead-peer")),
    ("v2-dead-peer", "resends of INFO#1", 3),
    ("v2-no-response", "SA_INIT", ("stalled", "SA_INIT#2", "no-response")),
    ("v2-child-proposal", "AUTH", ("complete", "-", "-")),
    ("v2-child-proposal", "AUTH keyed", ("stalled", "AUTH#2", "child-proposal")),
    ("p1-responder-down", "MM", ("stalled", "MM#2", "no-response")),
    # the IKEv2 exercises' answers
    ("v2-ls-ss-idr-mismatch", "AUTH", ("stalled", "AUTH#2", "auth-failed")),
    ("v2-ls-ss-idr-mismatch", "AUTH with keys", "auth-failed"),
    ("v2-rekey-pfs-mismatch", "AUTH", ("complete", "-", "-")),
    ("v2-rekey-pfs-mismatch", "CHILD1", ("stalled", "CHILD#2", "rekey-refused")),
    ("v2-rekey-pfs-mismatch", "CHILD1 keyed", ("stalled", "CHILD#2", "rekey-refused")),
]


def check_claims():
    """Stop if a fact the prose states is not what MANIFEST says."""
    for capture, what, value in CLAIMS:
        cap = MANIFEST[capture]
        exchanges = {(e.sa, e.name): e for e in cap.exchanges}
        sa, name = 1, what.split()[0]
        m = re.match(r"SA(\d+) (\S+)", what)
        if m:
            sa, name = int(m.group(1)), m.group(2)
        if what == "isakmp frames":
            got = len(cap.frames)
        elif what == "nat":
            got = cap.nat.get(1)
        elif what.startswith("resends of "):
            got = sum(1 for f in cap.frames.values() if f.resend and f.msg == what.split()[-1])
        elif what.endswith(" with keys"):
            e = exchanges[sa, name]
            got = e.cause_with_keys or e.cause
        elif what.endswith(" keyed"):
            got = exchanges[sa, name].expected(True)
        else:
            e = exchanges[sa, name]
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
    """The tshark options that load a capture's key file, as a reader would type them.

    IKEv1 lines have 2 fields (ikev1_decryption_table), IKEv2 lines 8 (ikev2_decryption_table,
    two of them quoted algorithm names: the $(...) goes inside double quotes, so they stay
    one argument).  A one-line file is passed whole with $(cat ...); a file with one line per
    IKE SA (IKEv2 rekeys) gets one -o per line, which Wireshark adds to the same table."""
    path = "test-pcaps/%s.keys" % capture
    with open(os.path.join(PCAPS, capture + ".keys")) as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    fields = {len(line.split(",")) for line in lines}
    if fields - {2, 8} or len(fields) != 1:
        sys.exit("make_tutorial: %s: lines of %s fields, expected all 2 (IKEv1) or all 8 (IKEv2)" % (path, fields))
    table = "ikev1_decryption_table" if fields == {2} else "ikev2_decryption_table"
    if len(lines) == 1:
        return '-o "uat:%s:$(cat %s)"' % (table, path)
    return " ".join('-o "uat:%s:$(sed -n %dp %s)"' % (table, n, path) for n in range(1, len(lines) + 1))


def has_keys(capture):
    return os.path.exists(os.path.join(PCAPS, capture + ".keys"))


_VERDICTS = {}


def verdicts(capture, keys=False):
    """{(sa, exchange): (outcome, stall, cause)} from the frames that carry a verdict."""
    if (capture, keys) in _VERDICTS:
        return _VERDICTS[capture, keys]
    cmd = ("tshark -2 %s -r test-pcaps/%s.pcap -Y ikediag.outcome -T fields -e ikediag.sa -e ikediag.verdict.exchange "
           "-e ikediag.outcome -e ikediag.stall -e ikediag.cause" % (keys_opt(capture) + " " if keys else "", capture))
    out = {}
    for line in R.run(cmd).splitlines():
        cells = (line.split("\t") + ["", "", "", "", ""])[:5]
        out[int(cells[0]), cells[1]] = (cells[2], cells[3] or "-", cells[4] or "-")
    _VERDICTS[capture, keys] = out
    return out


def check(capture):
    """Stop if the plugin's verdicts differ from what the prose says."""
    plain = verdicts(capture)
    keyed = verdicts(capture, keys=True) if has_keys(capture) else plain
    for (sa, exchange), (want, want_keys) in EXPECT[capture].items():
        got = plain.get((sa, exchange))
        got_keys = keyed.get((sa, exchange))
        if got != want or got_keys != want_keys:
            sys.exit("make_tutorial: %s SA %d %s: test-pcaps/MANIFEST (and the prose) say %s (keys: %s), the plugin "
                     "says %s (keys: %s)" % (capture, sa, exchange, want, want_keys, got, got_keys))
    return plain, keyed


def verdict_words(v):
    """'MM complete; QM1 stalled at QM#2: qm-rejected' from verdicts()."""
    parts = []
    for (sa, exchange), (outcome, stall, cause) in v.items():
        if sa != 1:
            exchange = "SA %d %s" % (sa, exchange)
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
configuration, what the wire shows, the verdict ikediag prints, and the fix, with exercises.
A second part does the same for IKEv2 (sections 11 to 14): its exchanges in one page, where
each IKEv2 failure stops and what decryption keys add, IKEv1 and IKEv2 side by side, and
exercises. Every exercise has its answer.

The captures are the project's own ([test-pcaps/](../test-pcaps/README.md)): two strongSwan
5.9.8 peers in IKEv1, left 198.51.100.1 (the initiator, protecting 192.0.2.0/28) and right
198.51.100.2 (the responder, protecting 192.0.2.128/28), captured on the responder's
interface, with both daemons' logs; the IKEv2 part uses the same setup in IKEv2 (a few
captures pair strongSwan with a libreswan 4.10 peer). strongSwan's settings have Cisco counterparts:

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

IKEv2:

11. [IKEv2 in one page](#11-ikev2-in-one-page): the exchanges, the labels, what is encrypted, key files
12. [Where IKEv2 negotiations stop](#12-where-ikev2-negotiations-stop): [proposal](#121-ike-proposal-refused-sa_init2),
    [DH group retry](#122-another-dh-group-invalid_ke_payload-and-a-retry),
    [pre-shared key](#123-pre-shared-key-mismatch-auth2-with-and-without-keys),
    [traffic selectors](#124-traffic-selectors-why-the-keys-matter),
    [lost answer](#125-the-answer-lost-on-the-way-back), [UDP 4500](#126-udp-4500-blocked-stalled-at-auth1),
    [dead peer](#127-a-dead-peer-stalled-at-info2)
13. [IKEv1 and IKEv2 side by side](#13-ikev1-and-ikev2-side-by-side)
14. [IKEv2 exercises](#14-ikev2-exercises)

After the handshake:

%s""" % (version, tutorial_tunnel.TOC))

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
*Statistics > Flow Graph*, flow type *IKE and ESP (ikediag)*; the port numbers are in brackets):
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -q -z flow,ikediag,network" % c))
    add("""
The last two arrows are the traffic the tunnel carried: ESP is drawn one arrow per burst
and direction (`ESP ×3`: three packets from QM#1's sender, and three back), not one per
packet.

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
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e frame.number -e udp.dstport -e ikediag.msg "
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
    add(shown("for c in am-refused am-psk-mismatch; do tshark -2 -r test-pcaps/$c.pcap -Y ikediag.msg -T fields "
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
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e frame.number -e udp.dstport -e ikediag.msg "
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
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e frame.number -e ikediag.msg "
              "-e ikediag.role -e ikediag.state" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e ikediag.explain%s" % (c, FOLD)))
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

*Statistics > Flow Graph*, flow type *IKE and ESP (ikediag)*: the ladder, with the verdict in the
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
    write_ikev2(add)
    tutorial_tunnel.write_tunnel(add, shown, keys_opt, MANIFEST)
    return "".join(md)


def v2_verdict_block(capture, keys=False):
    """The verdict frame's stall point and cause, then the diagnosis (IKEv2: no ikediag.offered)."""
    k = keys_opt(capture) + " " if keys else ""
    return shown("tshark -2 %s-r test-pcaps/%s.pcap -Y ikediag.cause -T fields -e frame.number -e ikediag.stall "
                 "-e ikediag.cause" % (k, capture)) + \
        shown("tshark -2 %s-r test-pcaps/%s.pcap -Y ikediag.cause -T fields -e ikediag.cause.text%s" % (k, capture, FOLD))


# The comparison table of the IKEv2 chapter: (what broke, IKEv1 capture, IKEv2 capture, note).
V1_V2_ROWS = [
    ("peer down, UDP 500 filtered", "p1-responder-down", "v2-no-response", ""),
    ("IKE policy / proposal (encryption, integrity, DH group)", "p1-encryption-mismatch", "v2-ike-proposal",
     "both refused in clear, in the first answer"),
    ("pre-shared key", "p1-psk-mismatch", "v2-psk-mismatch",
     "IKEv1: the responder cannot decrypt MM#5; IKEv2: it decrypts IKE_AUTH, checks AUTH and says AUTHENTICATION_FAILED"),
    ("UDP 4500 blocked after the move to 4500", "nat-t-4500-blocked", "v2-nat-t-blocked",
     "IKEv2 stall point AUTH#1: no IKE_AUTH reached the capture point at all"),
    ("the answer dropped on the way back", "reply-lost-mm4", "v2-auth-reply-lost", ""),
    ("transform set (ESP encryption, integrity)", "p2-esp-encryption-mismatch", "v2-child-proposal",
     "IKEv2: the IKE SA is up, only the child is refused, inside a normal-looking AUTH#2"),
    ("proxy IDs / traffic selectors", "p2-traffic-selector-mismatch", "v2-ts-unacceptable", "as above"),
]


def v1_v2_cell(capture):
    """'stalled at MM#2: `isakmp-policy`', with what the keys add."""
    plain, keyed = check(capture)

    def worst(v):
        for (sa, exchange), (outcome, stall, cause) in v.items():
            if outcome != "complete":
                return "%s at %s: `%s`" % (outcome, stall, cause) if cause != "-" else "%s at %s" % (outcome, stall)
        return "complete"
    a, b = worst(plain), worst(keyed)
    return a if a == b else "%s; keys: %s" % (a, b)


def write_ikev2(add):
    # ---- 11 ------------------------------------------------------------------------
    c = "v2-ok"
    add("""
## 11. IKEv2 in one page

IKEv2 (RFC 7296; Cisco `crypto ikev2 ...`, strongSwan `version = 2`, libreswan `ikev2=yes`)
has no phases of six and three messages: it is made of **exchanges**, each one **request**
and one **response**. The side that sends a request resends it until the response comes;
the other side never resends on its own, it answers each copy again. A site-to-site tunnel
needs two exchanges, four messages:

| exchange | ikediag labels | carries | readable without keys? | IKEv1 counterpart |
|---|---|---|---|---|
| IKE_SA_INIT | `SA_INIT#1`, `SA_INIT#2` | the IKE proposals (encryption, integrity, PRF, DH group), the DH values (KE), nonces, NAT detection hashes; or instead of the answer one notify: NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD, COOKIE | yes | MM#1..MM#4 |
| IKE_AUTH | `AUTH#1`, `AUTH#2` | the identities (IDi, IDr), the proof (AUTH: pre-shared key or signature), **and the first CHILD SA**: ESP proposals and traffic selectors (TSi, TSr) | no, encrypted | MM#5, MM#6 **and** QM#1, QM#2 |
| CREATE_CHILD_SA | `CHILD#1`, `CHILD#2` | another CHILD SA, or the rekey of a CHILD SA or of the IKE SA | no | Quick Mode; a new Main Mode |
| INFORMATIONAL | `INFO#1`, `INFO#2` | notifies, Deletes; an empty one is a liveness check (IKEv2's DPD) | no | Informational, DPD R-U-THERE |

How ikediag reads the header, with no keys needed:

- **#1 is the request, #2 the response**, from the header's R (response) flag, not from who
  sent it: once the IKE SA is up either peer may send requests (a rekey or a Delete from the
  responder is a `CHILD#1` or `INFO#1` sent by the `responder`).
- **The role** (`ikediag.role`) is the sender's role in the IKE SA, from the I flag (set on
  everything the original initiator sends).
- **Message IDs** count each side's own requests from 0: the initiator's IKE_SA_INIT is 0,
  its IKE_AUTH 1, its later requests 2, 3, ...; the responder's requests (a rekey, a Delete)
  have their own count from 0. A response carries its request's ID, a resend the same ID
  and the same bytes. ikediag pairs request and response by message ID and requester
  (`ikediag.request_in`, `ikediag.response_in`).
- **The state** (`ikediag.state`) is strongSwan's word for the IKE SA, as `swanctl
  --list-sas` and charon's log print it: `CONNECTING` until AUTH#2, `ESTABLISHED` after it,
  and still `ESTABLISHED` while a CREATE_CHILD_SA rekeys a CHILD SA.
- **Only IKE_SA_INIT is in clear.** From IKE_AUTH on, everything is inside an Encrypted (SK)
  payload. Without keys the wire still gives the exchange type, the flags, the message ID,
  the size, the ports, the timing and the resends, and that is what ikediag judges from.

Capture [`%s.pcap`](../test-pcaps/%s.pcap): two strongSwan peers (the same addresses and
subnets as in IKEv1), nothing misconfigured. Four IKE messages, two exchanges, then ESP:
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -q -z flow,ikediag,network" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e frame.number -e udp.dstport -e ikediag.msg "
              "-e ikediag.role -e isakmp.messageid -e ikediag.state" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e ikediag.explain%s" % (c, FOLD)))
    add("""
IKE_AUTH goes to UDP 4500 although no NAT sits between these peers: strongSwan moves it
there whenever the peer sent NAT detection payloads (for MOBIKE), and its userspace ESP fakes
a NAT as in IKEv1 (see [NAT traversal in short](#nat-traversal-in-short)).

**Keys.** An IKEv2 key file (`test-pcaps/v2-*.keys`) has one line per IKE SA, 8
comma-separated fields for Wireshark's `ikev2_decryption_table`: the two SPIs, SK_ei, SK_er,
the encryption algorithm, SK_ai, SK_ar, the integrity algorithm (charon logs the keys at
`ike` level 4; [test-pcaps/README.md](../test-pcaps/README.md#ikev2-captures) has the
algorithm names). Without its four long hex keys:
""")
    add(shown("cut -d, -f1,2,5,8 test-pcaps/%s.keys" % c))
    add("""
The algorithm names are quoted and contain blanks, so the `$(...)` goes inside double quotes,
which keeps the whole line one argument. This file has one line, so it can be passed whole;
a file with several lines (one per IKE SA, after an IKE rekey) needs one `-o` per line,
e.g. `-o "uat:ikev2_decryption_table:$(sed -n 1p FILE)" -o "uat:ikev2_decryption_table:$(sed -n 2p FILE)"`.
Without keys IKE_AUTH is one Encrypted payload (46); with them Wireshark decrypts it and shows
the payloads inside (35 IDi, 36 IDr, 39 AUTH, 33 SA, 44 TSi, 45 TSr, 41 notifies), the
identities and the traffic selectors (start and end addresses, TSi then TSr):
""")
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y 'ikediag.msg contains \"AUTH\"' -T fields -e frame.number "
              "-e ikediag.msg -e isakmp.typepayload" % c))
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y 'ikediag.msg contains \"AUTH\"' -T fields -e frame.number "
              "-e ikediag.msg -e isakmp.typepayload" % (keys_opt(c), c)))
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y 'ikediag.msg contains \"AUTH\"' -T fields -e frame.number "
              "-e ikediag.msg -e isakmp.id.data.ipv4_addr -e isakmp.ts.start_ipv4 -e isakmp.ts.end_ipv4 "
              "-E occurrence=a -E aggregator=," % (keys_opt(c), c)))

    # ---- 12 ------------------------------------------------------------------------
    add("""
## 12. Where IKEv2 negotiations stop

As in IKEv1, the **stall point** (`ikediag.stall`) is the message that never came or was
never accepted; in IKEv2 that is a response (`SA_INIT#2`, `AUTH#2`, `CHILD#2`, `INFO#2`),
or `AUTH#1` when IKE_SA_INIT was answered and no IKE_AUTH followed:

| stall point | what happened | typical causes | ikediag cause ids | section |
|---|---|---|---|---|
| SA_INIT#2 | IKE_SA_INIT refused in clear, or never answered | IKE proposal mismatch; DH group with no retry; peer down or UDP 500 filtered | `ike-proposal`, `dh-group`, `cookie-ignored`, `no-response` | [12.1](#121-ike-proposal-refused-sa_init2), [12.2](#122-another-dh-group-invalid_ke_payload-and-a-retry) |
| AUTH#1 | IKE_SA_INIT answered, no IKE_AUTH seen | UDP 4500 blocked after the NAT detection; the initiator gave up | `nat-t-blocked`, `auth-missing` | [12.6](#126-udp-4500-blocked-stalled-at-auth1) |
| AUTH#2 | IKE_AUTH refused, or not answered | pre-shared key, certificate or identity refused; the child's traffic selectors or ESP proposals refused (keys); the answer lost; fragments dropped | `auth-failed`, `ts-unacceptable`, `child-proposal`, `reply-lost`, `fragments-dropped`, `auth-no-response`, `nat-t-blocked` | [12.3](#123-pre-shared-key-mismatch-auth2-with-and-without-keys), [12.4](#124-traffic-selectors-why-the-keys-matter), [12.5](#125-the-answer-lost-on-the-way-back) |
| CHILD#2 | CREATE_CHILD_SA refused or lost | a new or rekeyed child's proposals (PFS) or selectors (keys) | `rekey-refused`, `ts-unacceptable`, `reply-lost` | [exercise 2](#14-ikev2-exercises) |
| INFO#2 | an INFORMATIONAL never answered | the peer is gone (DPD) | `dead-peer` | [12.7](#127-a-dead-peer-stalled-at-info2) |

The full list is the IKEv2 part of the README's [Causes table](../README.md#causes-stable-ids).
Each exchange gets its own verdict (`ikediag.verdict.exchange`: `SA_INIT`, `AUTH`,
`CHILD1`, `INFO1`, ...), so a capture can hold a complete IKE_AUTH and a refused
CREATE_CHILD_SA.
""")
    c = "v2-ike-proposal"
    add("""
### 12.1 IKE proposal refused: SA_INIT#2

Capture [`%s.pcap`](../test-pcaps/%s.pcap): the initiator offers AES-128, the responder
accepts only AES-256 (strongSwan `proposals`, Cisco `crypto ikev2 proposal`). The answer is
a bare NO_PROPOSAL_CHOSEN, in clear like IKEv1's refused MM#1, 78 bytes instead of about 500:
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -q -z expert" % c))
    add(v2_verdict_block(c))
    add(shown("grep -h -E 'received proposals|configured proposals|unacceptable' test-pcaps/logs/%s.right.log" % c))
    add("""
Stalled at SA_INIT#2, `ike-proposal`; as with IKEv1's `isakmp-policy`, the wire does not say
which parameter differs, the responder's log does. **Fix**: one common IKE proposal
(encryption, integrity, PRF, DH group) on both sides.
""")
    c = "v2-invalid-ke"
    add("""
### 12.2 Another DH group: INVALID_KE_PAYLOAD and a retry

IKE_SA_INIT carries a DH value (KE) for *one* group, the first the initiator proposes. If
the responder accepts the proposal but prefers another of its groups, it answers
INVALID_KE_PAYLOAD with the group it wants, and the initiator starts IKE_SA_INIT again with
a KE for that group. Capture [`%s.pcap`](../test-pcaps/%s.pcap): the initiator proposes
MODP-2048 and MODP-3072 and sends a MODP-2048 value (group 14), the responder accepts only
MODP-3072 (group 15):
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e frame.number -e ikediag.msg -e isakmp.rspi "
              "-e isakmp.key_exchange.dh_group -e ikediag.retry_of -e ikediag.verdict.exchange -e ikediag.outcome" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -q -z expert" % c))
    add(shown("grep -h -E 'unacceptable, requesting|requested' test-pcaps/logs/%s.right.log test-pcaps/logs/%s.left.log"
              % (c, c)))
    add("""
Frame 3 is not a resend (other bytes: a KE for group 15) but a **retry**: same SPIi, same
message ID 0, and its `ikediag.retry_of` points at frame 2, the answer that asked for it
(its `ikediag.explain` calls it "a retry with DH group 15, as the responder asked").
ikediag counts the retry as a second round of IKE_SA_INIT, `SA_INIT2`. The INVALID_KE_PAYLOAD
is an expert warning on frame 2, but not a stall: every exchange here is complete, and
the tunnel comes up. Only an INVALID_KE_PAYLOAD that is never followed by a retry is a
stall (`dh-group`). The extra round trip comes back at every connection, so put a group the
responder accepts first in the initiator's proposal.
""")
    c = "v2-psk-mismatch"
    add("""
### 12.3 Pre-shared key mismatch: AUTH#2, with and without keys

In IKEv1 a wrong key breaks the encryption of MM#5 itself. In IKEv2 it does not: the
encryption keys come from the DH exchange and the nonces only, so the responder decrypts
IKE_AUTH, checks the AUTH payload (computed with the pre-shared key), and answers with an
encrypted AUTHENTICATION_FAILED notify, alone. Capture [`%s.pcap`](../test-pcaps/%s.pcap),
the responder has another `secret` (Cisco: the `crypto ikev2 keyring`):
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap" % c))
    add("""
Without keys the notify cannot be read, but its size says enough: a normal AUTH#2 holds IDr,
AUTH, SA, TSi and TSr (240 bytes of IKE message in `v2-ok`), this one 80, room for one
notify and nothing else:
""")
    add(shown("for c in v2-ok %s; do tshark -2 -r test-pcaps/$c.pcap -Y 'ikediag.msg == \"AUTH#2\"' -T fields "
              "-e isakmp.length -e ikediag.cause | sed \"s/^/$c\\t/\"; done" % c))
    add(v2_verdict_block(c))
    add("""
Stalled at AUTH#2, `auth-failed`, "probably": the rule guesses from the size. With the keys
(they do not depend on the pre-shared key, so this capture decrypts completely) the notify
is read and the guess becomes certain:
""")
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -q -z expert" % (keys_opt(c), c)))
    add(shown("grep -h -E 'MAC mismatched|AUTHENTICATION_FAILED' test-pcaps/logs/%s.right.log test-pcaps/logs/%s.left.log"
              % (c, c)))
    add("""
The same `auth-failed` covers a refused identity or certificate (the diagnosis lists them);
the responder's log says which. **Fix**: the same pre-shared key on both sides, and the
identities each side sends equal to what the other expects (strongSwan `local.id` /
`remote.id`, Cisco `identity local` and `match identity remote`).
""")
    c = "v2-ts-unacceptable"
    add("""
### 12.4 Traffic selectors: why the keys matter

IKE_AUTH does two jobs: it authenticates the IKE SA and it creates the first CHILD SA. The
responder can accept the first and refuse the second. Then AUTH#2 holds IDr and AUTH (the IKE
SA is up on both sides) plus a TS_UNACCEPTABLE or NO_PROPOSAL_CHOSEN notify instead of SA,
TSi and TSr. Its size proves nothing: 144 bytes here, less than the 240 of a full AUTH#2
but far more than the 80 of a lone notify. Capture [`%s.pcap`](../test-pcaps/%s.pcap): the
initiator protects 192.0.2.0/28 to 192.0.2.128/28, the responder expects 192.0.2.16/28 on the
other side (IKEv1's wrong crypto ACL of section 6). Without keys:
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e frame.number -e isakmp.length -e ikediag.msg "
              "-e ikediag.state -e ikediag.outcome -e ikediag.cause" % c))
    add("""
Both exchanges complete, IKE SA `ESTABLISHED`: that is all the wire says, and for the IKE SA
it is true. With the keys ikediag reads the notify and the IKE_AUTH exchange is stalled at
AUTH#2, `ts-unacceptable`:
""")
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e frame.number -e isakmp.length -e ikediag.msg "
              "-e ikediag.state -e ikediag.outcome -e ikediag.cause" % (keys_opt(c), c)))
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y ikediag.cause -T fields -e ikediag.cause.text%s" % (keys_opt(c), c, FOLD)))
    add("The selectors AUTH#1 proposed (TSi then TSr, start and end addresses), and the responder's log:\n")
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y 'ikediag.msg == \"AUTH#1\"' -T fields -e isakmp.ts.start_ipv4 "
              "-e isakmp.ts.end_ipv4 -E occurrence=a -E aggregator=," % (keys_opt(c), c)))
    add(shown("grep -h -E 'established between|unacceptable|keeping IKE_SA' test-pcaps/logs/%s.right.log" % c))
    add("""
So for IKEv2, "complete" without keys means the IKE SA is up, not that traffic flows: a
capture with IKE_AUTH complete and no ESP after it is worth the keys (or the responder's
log). An ESP proposal mismatch looks the same
([`v2-child-proposal.pcap`](../test-pcaps/v2-child-proposal.pcap), `child-proposal` with
keys). **Fix**: mirror-image traffic selectors (strongSwan `local_ts` / `remote_ts`, Cisco
the crypto ACL or the IKEv2 profile's routes).
""")
    c = "v2-auth-reply-lost"
    add("""
### 12.5 The answer lost on the way back

Capture [`%s.pcap`](../test-pcaps/%s.pcap): a firewall on the initiator's side (after the
capture point) drops everything from UDP port 4500, so the IKE_AUTH answers never reach it.
The initiator sends AUTH#1 three more times, and the responder answers each copy with the
same AUTH#2:
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e frame.number -e frame.time_relative "
              "-e udp.dstport -e ikediag.msg -e ikediag.retransmission.count -e ikediag.stall -e ikediag.cause" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.cause -T fields -e ikediag.cause.text%s" % (c, FOLD)))
    add("""
Stalled at AUTH#2, `reply-lost`: the request came again after its answer, so the answer is
lost on the return path. The responder thinks the IKE SA is up, the initiator does not. A
capture on the responder's side shows it; one on the initiator's side would show AUTH#1
resent and nothing back (`auth-no-response` or `nat-t-blocked`). **Fix**: UDP 500 and 4500
from the responder back to the initiator, on every firewall on the path.
""")
    c = "v2-nat-t-blocked"
    add("""
### 12.6 UDP 4500 blocked: stalled at AUTH#1

Capture [`%s.pcap`](../test-pcaps/%s.pcap): through a source NAT (the initiator appears as
203.0.113.254), and the NAT box drops UDP 4500. IKE_SA_INIT works on port 500, its NAT
detection hashes show the NAT, so IKE_AUTH goes to port 4500, and nothing of it reaches the
responder's side where the capture is taken: four frames, all on UDP 500. About 7 s later the
initiator starts over with a new SPI (SA 2):
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.msg -T fields -e frame.number -e frame.time_relative -e ip.src "
              "-e udp.dstport -e ikediag.sa -e ikediag.msg -e ikediag.verdict.exchange -e ikediag.outcome "
              "-e ikediag.stall -e ikediag.cause" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y 'ikediag.cause' -T fields -e ikediag.cause.text%s" % (c, FOLD)))
    add("""
SA 1 is stalled at AUTH#1, the message that never came, `nat-t-blocked`; SA 2 is `cut`: the
capture ends before anything could follow. (IKEv1's `nat-t-4500-blocked` stops at MM#5 the
same way.) **Fix**: allow UDP 4500 both ways, and capture `udp port 500 or udp port 4500`:
a capture filter on port 500 alone produces exactly this picture.
""")
    c = "v2-dead-peer"
    add("""
### 12.7 A dead peer: stalled at INFO#2

Capture [`%s.pcap`](../test-pcaps/%s.pcap): the tunnel is up with dead peer detection
(`dpd_delay = 2s` on the initiator), and after three answered liveness checks (empty
INFORMATIONALs, message IDs 2, 3, 4) the responder's daemon is killed. The check with message
ID 5 is resent three times, and each copy is answered by an ICMP port unreachable from the
responder's host (the ICMP rows show the message ID of the IKE packet they quote):
""" % (c, c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y 'ikediag.msg or icmp' -T fields -e frame.number -e frame.time_relative "
              "-e _ws.col.Protocol -e ikediag.msg -e isakmp.messageid -e ikediag.retransmission.count "
              "-e ikediag.stall -e ikediag.cause" % c))
    add(shown("tshark -2 -r test-pcaps/%s.pcap -Y ikediag.cause -T fields -e ikediag.cause.text%s" % (c, FOLD)))
    add("""
INFO1..INFO3 are complete; INFO4 is stalled at INFO#2, `dead-peer`. The ICMP answers say
more than silence would: the host is up, its IKE daemon is not. strongSwan's IKEv2 DPD uses
the normal retransmission schedule (here 1, 2.4, 4.4 s), not `dpd_timeout`. **Fix**: the
peer itself (restart, reboot, path); `dpd_action = restart` or Cisco `crypto ikev2 dpd`
decide how soon the survivor tries again.
""")

    # ---- 13 ------------------------------------------------------------------------
    add("""
## 13. IKEv1 and IKEv2 side by side

The same misconfigurations in both versions, each verdict as ikediag prints it for the
bundled capture (the first exchange that is not complete; "keys:" what the capture's key file
changes):

| what is wrong | IKEv1 capture | IKEv1 verdict | IKEv2 capture | IKEv2 verdict | note |
|---|---|---|---|---|---|
""")
    rows = []
    for what, v1, v2, note in V1_V2_ROWS:
        rows.append("| %s | [`%s`](../test-pcaps/%s.pcap) | %s | [`%s`](../test-pcaps/%s.pcap) | %s | %s |"
                    % (what, v1, v1, v1_v2_cell(v1), v2, v2, v1_v2_cell(v2), note))
    add("\n".join(rows) + "\n")
    add("""
What moves:

- **The first answer** (MM#2 / SA_INIT#2) is in clear in both: a proposal refusal is read
  without keys (`isakmp-policy` / `ike-proposal`).
- **Authentication** is MM#5 in IKEv1 and AUTH#2 in IKEv2. An IKEv1 responder cannot even
  decrypt MM#5 when the keys differ; an IKEv2 responder decrypts IKE_AUTH and answers
  AUTHENTICATION_FAILED, which ikediag guesses from its size (`auth-failed`) and reads with
  keys.
- **Phase 2 moved into IKE_AUTH.** IKEv1's QM#2 refusals (`transform-set`, `proxy-id`) become
  AUTH#2 refusals of the child only (`child-proposal`, `ts-unacceptable`), and they are
  invisible without keys: the IKE SA is up and IKE_AUTH looks complete. IKEv1's refused QM#1
  at least shows as an Informational instead of QM#2 (`qm-rejected`). Later children and
  rekeys (CREATE_CHILD_SA, `CHILD#2`) are refused the same way (`rekey-refused`).
- **UDP 4500** comes one step earlier in the count: IKEv1 floats at MM#5, IKEv2 at IKE_AUTH,
  so the stall point is MM#5 or AUTH#1/AUTH#2.
""")

    # ---- 14 ------------------------------------------------------------------------
    c1, c2 = V2_EXERCISES
    add("""
## 14. IKEv2 exercises

1. [`%s.pcap`](../test-pcaps/%s.pcap) (a libreswan initiator, a strongSwan responder; key
   file `%s.keys`): IKE_SA_INIT is fine. What fails, who refuses whom, and what do the keys
   show that the capture alone does not?
2. [`%s.pcap`](../test-pcaps/%s.pcap) (key file `%s.keys`): IKE_SA_INIT and IKE_AUTH
   complete. Is the VPN healthy? What happens at 5 s, and what do the keys add?

<details>
<summary>Answers (the verdicts without and with keys, then what to check)</summary>

""" % (c1, c1, c1, c2, c2, c2))
    add(shown("for c in %s; do tshark -2 -r test-pcaps/$c.pcap -Y ikediag.outcome -T fields "
              "-e ikediag.verdict.exchange -e ikediag.outcome -e ikediag.stall -e ikediag.cause | sed \"s/^/$c\\t/\"; "
              "done | column -t" % " ".join(V2_EXERCISES)))
    add(shown("for c in %s; do tshark -2 -o \"uat:ikev2_decryption_table:$(cat test-pcaps/$c.keys)\" "
              "-r test-pcaps/$c.pcap -Y ikediag.outcome -T fields -e ikediag.verdict.exchange -e ikediag.outcome "
              "-e ikediag.stall -e ikediag.cause | sed \"s/^/$c\\t/\"; done | column -t" % " ".join(V2_EXERCISES)))
    add("""
1. **Stalled at AUTH#2, `auth-failed`**, from an 80-byte answer without keys, read as
   AUTHENTICATION_FAILED with them. The keys also show the IDr that libreswan put in AUTH#1,
   the identity it expects of the responder:
""")
    add(shown("tshark -2 %s -r test-pcaps/%s.pcap -Y 'ikediag.msg contains \"AUTH\"' -T fields -e frame.number "
              "-e ikediag.msg -e isakmp.id.data.fqdn -e isakmp.id.data.ipv4_addr -E occurrence=a -E aggregator=,"
              % (keys_opt(c1), c1)))
    add(shown("grep -h -E 'looking for peer configs|no matching peer config' test-pcaps/logs/%s.right.log" % c1))
    add("""
   The responder refuses the *initiator*, because the initiator asked for a responder
   identity (`right.ikediag.test`) that it does not have (it is `198.51.100.2`): not a key
   problem. Check the identities: libreswan `rightid` on the initiator against strongSwan
   `local.id` on the responder (Cisco `identity local`).
2. **No.** IKE_SA_INIT and IKE_AUTH complete and the tunnel is up, but at 5 s the initiator
   rekeys its CHILD SA (CREATE_CHILD_SA, `CHILD1`), and the 80-byte `CHILD#2` is a refusal:
   stalled at CHILD#2, `rekey-refused`, guessed from the size without keys and read as
   NO_PROPOSAL_CHOSEN with them. The initiator's ESP
   proposal has PFS (a DH group), the responder's none. IKE_AUTH carries no KE, so the DH
   group of the ESP proposal plays no part there and the first child comes up; the rekey
   carries one, and the responder refuses it:
""")
    add(shown("grep -h -E 'received proposals: ESP|configured proposals: ESP|no acceptable proposal' "
              "test-pcaps/logs/%s.right.log" % c2))
    add("""
   The old child lives until its lifetime ends, then the tunnel drops: a PFS mismatch in
   IKEv2 shows up at the first CHILD SA rekey (with strongSwan's default `rekey_time`, an
   hour after the tunnel came up; here 5 s), not at once. Check PFS on both sides
   (strongSwan a DH group in `esp_proposals`, Cisco `set pfs` in the crypto map or IPsec
   profile) and keep it the same.

</details>
""")


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
wire shows, the verdict ikediag prints, and the fix. Its IKEv2 part shows the exchanges
(IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL) as ikediag labels them, where each
IKEv2 failure stops, with and without the decryption keys, and a table of IKEv1 and IKEv2
failure points side by side. Exercises with answers close both parts.
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
