#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile captures through tshark with the plugin: every run must exit 0 without a
dissector bug or an assertion, in single pass and with -2, and ikediag must say what the
construction of each capture (make_captures.py) implies.  The expectations below are
written from that construction, not from the plugin's output.

Also: bad preference values, and floods of new SAs (generated here, not committed):
  default                  100,000 MM#1s, max_sas 1000; 30,000 MM#1s with the default cap
  IKEDIAG_SLOW_TESTS=1     also 1,000,000 MM#1s with max_sas 10000 (a few minutes)
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import sa_flood  # noqa: E402
from wsrun import Tshark  # noqa: E402

FIELDS = ["frame.number", "ikediag.sa", "ikediag.msg", "ikediag.role", "ikediag.retransmission",
          "ikediag.not_analysed", "ikediag.verdict.exchange", "ikediag.outcome", "_ws.expert.message"]
BAD_OUTPUT = ("dissector bug", "assertion", "ws_assert", "AddressSanitizer", "runtime error")

I, R = "initiator", "responder"
MAIN_QUICK = [("MM#1", I), ("MM#2", R), ("MM#3", I), ("MM#4", R), ("MM#5", I), ("MM#6", R),
              ("QM#1", I), ("QM#2", R), ("QM#3", I)]


class Frame:
    def __init__(self, row):
        row = row + [""] * (len(FIELDS) - len(row))
        (num, sa, self.msg, self.role, retrans, not_analysed, vex, outcome, self.experts) = row[:len(FIELDS)]
        self.info = ""  # filled from the summary line (Tshark.info_column)
        self.number = int(num)
        self.sa = int(sa.split(",")[0]) if sa else None
        self.retrans = int(retrans) if retrans else None
        self.not_analysed = bool(not_analysed)
        self.verdicts = list(zip(vex.split(","), outcome.split(","))) if vex else []


class Check:
    """Failures of one capture, collected rather than raised, so all are reported."""

    def __init__(self, name):
        self.name, self.errors = name, []

    def expect(self, ok, what):
        if not ok:
            self.errors.append(what)


def verdicts(frames):
    """(sa, exchange) -> outcome, the last one shown for each."""
    out = {}
    for f in frames.values():
        for ex, outcome in f.verdicts:
            out[(f.sa, ex)] = outcome
    return out


def expect_labels(check, frames, expected):
    """expected: frame -> (sa, msg, role)."""
    for num, want in expected.items():
        f = frames.get(num)
        got = (f.sa, f.msg, f.role) if f else None
        check.expect(got == want, "frame %d: expected %s, got %s" % (num, want, got))


def expect_no_label(check, frames, numbers):
    for num in numbers:
        f = frames[num]
        check.expect(not f.msg and f.sa is None, "frame %d: expected no ikediag message, got %s SA %s"
                     % (num, f.msg, f.sa))


def expect_never_wrong(check, frames, truth):
    """A damaged frame may stay unnumbered or be 'X#?', but never get a wrong number."""
    for num, (msg, role) in truth.items():
        f = frames.get(num)
        if f and f.msg and not f.msg.endswith("#?"):
            check.expect(f.msg == msg, "frame %d: labelled %s, it is %s" % (num, f.msg, msg))
        if f and f.role:
            check.expect(f.role == role, "frame %d: role %s, it is %s" % (num, f.role, role))
        if f:
            check.expect(f.retrans is None, "frame %d: called a retransmission of %s" % (num, f.retrans))


def expect_outcomes(check, frames, expected):
    got = verdicts(frames)
    for key, outcome in expected.items():
        check.expect(got.get(key) == outcome, "SA %s %s: expected %s, got %s" % (key[0], key[1], outcome,
                                                                                 got.get(key)))
    stalled = [k for k, v in got.items() if v == "stalled" and k not in expected]
    check.expect(not stalled, "unexpected stalls: %s" % stalled)


# ---- what each capture must show ----------------------------------------------------------

def case_main_quick(check, frames):
    expect_labels(check, frames, {n: (1,) + lr for n, lr in enumerate(MAIN_QUICK + [("INFO", I)], 1)})
    expect_outcomes(check, frames, {(1, "MM"): "complete", (1, "QM1"): "complete"})


def case_same_cookie_two_peers(check, frames):
    # odd frames: I <-> R (SA 1); even frames: C <-> R (SA 2), same initiator cookie
    expected = {}
    for k, (msg, role) in enumerate(MAIN_QUICK[:4]):
        expected[2 * k + 1] = (1, msg, role)
        expected[2 * k + 2] = (2, msg, role)
    expect_labels(check, frames, expected)


def case_message_id_reuse(check, frames):
    expected = {n: (1,) + lr for n, lr in enumerate(MAIN_QUICK[:8], 1)}
    expected[9] = (1, "INFO", I)  # reuses the pending Quick Mode's message ID
    expected[10] = (1, "QM#3", I)
    expected.update({10 + n: (2,) + lr for n, lr in enumerate(MAIN_QUICK, 1)})
    expected.update({19 + n: (3,) + lr for n, lr in enumerate(MAIN_QUICK[:5], 1)})
    expected[25] = (3, "QM#1", I)  # message ID 0, phase 1's
    expected[26] = (3, "MM#6", R)
    expect_labels(check, frames, expected)
    expect_outcomes(check, frames, {(1, "MM"): "complete", (1, "QM1"): "complete", (2, "MM"): "complete",
                                    (2, "QM1"): "complete", (3, "MM"): "complete"})


def case_unknown_exchange_types(check, frames):
    for num, xchg in enumerate((243, 0, 1, 3, 33, 255), 1):
        f = frames[num]
        check.expect(f.not_analysed and "exchange %d: not analysed" % xchg in f.info,
                     "frame %d (type %d): expected 'not analysed', got %r" % (num, xchg, f.info))
    expect_no_label(check, frames, range(1, 7))
    expect_labels(check, frames, {7: (1, "MM#1", I)})


def case_ikev2_on_500(check, frames):
    # IKEv2 is numbered (request/response by the R flag, role by the I flag); the last
    # frame, a version-2 header claiming Main Mode (type 2), is no IKEv2 exchange
    expect_labels(check, frames, {1: (1, "SA_INIT#1", I), 2: (1, "SA_INIT#2", R), 3: (1, "AUTH#1", I),
                                  4: (1, "AUTH#2", R), 5: (1, "INFO#1", I)})
    f = frames[6]
    check.expect(f.not_analysed and "exchange 2: not analysed" in f.info,
                 "frame 6: expected 'exchange 2: not analysed', got %r" % (f.info,))
    expect_no_label(check, frames, [6])
    expect_outcomes(check, frames, {(1, "SA_INIT"): "complete", (1, "AUTH"): "complete"})


def case_garbage_and_keepalives(check, frames):
    expect_no_label(check, frames, range(1, 14))
    expect_labels(check, frames, {14: (1, "MM#1", I)})


def case_lying_length(check, frames):
    expect_never_wrong(check, frames, dict(enumerate(MAIN_QUICK[:6], 1)))


def case_ipv6_main_mode(check, frames):
    expect_labels(check, frames, {n: (1,) + lr for n, lr in enumerate(MAIN_QUICK, 1)})
    expect_outcomes(check, frames, {(1, "MM"): "complete", (1, "QM1"): "complete"})


def case_nat_t_float(check, frames):
    expect_labels(check, frames, {n: (1,) + lr for n, lr in enumerate(MAIN_QUICK, 1)})
    expect_no_label(check, frames, (10,))  # NAT keepalive
    esp = frames[11]  # ESP after the float: tied to the SA (0.6), never numbered as a message
    check.expect(not esp.msg and esp.sa == 1, "frame 11 (ESP): expected SA 1 and no message, got %s SA %s"
                 % (esp.msg, esp.sa))
    expect_outcomes(check, frames, {(1, "MM"): "complete", (1, "QM1"): "complete"})


def case_snaplen_60(check, frames):
    expect_no_label(check, frames, range(1, 11))  # 18 bytes of ISAKMP: less than a header


def case_snaplen_70(check, frames):
    expect_never_wrong(check, frames, dict(enumerate(MAIN_QUICK + [("INFO", I)], 1)))


def case_duplicate_frames(check, frames):
    expected = {}
    for k, (msg, role) in enumerate(MAIN_QUICK + [("INFO", I)]):
        expected[2 * k + 1] = (1, msg, role)
        expected[2 * k + 2] = (1, msg, role)
        copy = frames.get(2 * k + 2)
        check.expect(copy and copy.retrans == 2 * k + 1, "frame %d: expected a retransmission of %d, got %s"
                     % (2 * k + 2, 2 * k + 1, copy and copy.retrans))
        check.expect(frames[2 * k + 1].retrans is None, "frame %d: the first copy is not a retransmission"
                     % (2 * k + 1))
    expect_labels(check, frames, expected)
    expect_outcomes(check, frames, {(1, "MM"): "complete", (1, "QM1"): "complete"})


def case_ip_fragments(check, frames):
    """main-quick in 96-byte IP fragments: each message is labelled once, on the fragment
    that completes its datagram (the only frame where ISAKMP is dissected)."""
    labelled = [(f.msg, f.role) for _, f in sorted(frames.items()) if f.msg]
    check.expect(labelled == MAIN_QUICK + [("INFO", I)], "labels in order: %s" % labelled)
    check.expect(len(frames) > 2 * len(labelled), "only %d frames: not fragmented?" % len(frames))
    expect_outcomes(check, frames, {(1, "MM"): "complete", (1, "QM1"): "complete"})


def case_many_quick_modes(check, frames):
    expected = {n: (1,) + lr for n, lr in enumerate(MAIN_QUICK[:6], 1)}
    for q in range(256):
        for k, lr in enumerate(MAIN_QUICK[6:]):
            expected[7 + 3 * q + k] = (1,) + lr
    expected[775] = (1, "INFO", I)
    expect_labels(check, frames, expected)
    expect_outcomes(check, frames, {(1, "MM"): "complete", (1, "QM1"): "complete", (1, "QM256"): "complete"})


CASES = {
    "main-quick": case_main_quick,
    "same-cookie-two-peers": case_same_cookie_two_peers,
    "message-id-reuse": case_message_id_reuse,
    "unknown-exchange-types": case_unknown_exchange_types,
    "ikev2-on-500": case_ikev2_on_500,
    "garbage-and-keepalives": case_garbage_and_keepalives,
    "lying-length": case_lying_length,
    "ipv6-main-mode": case_ipv6_main_mode,
    "nat-t-float": case_nat_t_float,
    "snaplen-60": case_snaplen_60,
    "snaplen-70": case_snaplen_70,
    "duplicate-frames": case_duplicate_frames,
    "many-quick-modes": case_many_quick_modes,
    "ip-fragments": case_ip_fragments,
}


def clean_run(ts, check, args, what):
    proc = ts.run(args, check=False)
    check.expect(proc.returncode == 0, "%s: tshark exit %d: %s" % (what, proc.returncode, proc.stderr[-300:]))
    text = (proc.stdout + proc.stderr).lower()
    for bad in BAD_OUTPUT:
        check.expect(bad.lower() not in text, "%s: output mentions %r" % (what, bad))


def check_capture(ts, name, case):
    check = Check(name)
    pcap = ts.stage_file(os.path.join(HERE, "captures", name + ".pcap"))
    clean_run(ts, check, ["-V", "-r", pcap], "single pass -V")
    clean_run(ts, check, ["-2", "-V", "-r", pcap], "two-pass -V")
    frames = {Frame(r).number: Frame(r) for r in ts.fields(pcap, FIELDS, extra=["-2"])}
    for num, info in ts.info_column(pcap, extra=["-2"]).items():
        if num in frames:
            frames[num].info = info
    case(check, frames)
    return check


# ---- preferences --------------------------------------------------------------------------

def check_preferences(ts):
    check = Check("bad preferences")
    pcap = ts.stage_file(os.path.join(HERE, "captures", "main-quick.pcap"))
    proc = ts.run(["-o", "ikediag.silence_seconds:0", "-r", pcap], check=False)
    check.expect("ikediag.silence_seconds must be 1..86400" in proc.stderr and "got 0" in proc.stderr,
                 "silence_seconds:0: expected a refusal with the range, got %r" % proc.stderr)
    proc = ts.run(["-o", "ikediag.max_sas:abc", "-r", pcap], check=False)
    check.expect(proc.returncode != 0 and 'Invalid -o flag "ikediag.max_sas:abc"' in proc.stderr,
                 "max_sas:abc: expected tshark to refuse it, got exit %d %r" % (proc.returncode, proc.stderr))
    return check


# ---- floods of new SAs -----------------------------------------------------------------------

def measured_run(ts, args):
    """Run tshark like wsrun does; returns (stdout, peak RSS in bytes, seconds, exit code)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": ts.home, "WIRESHARK_PLUGIN_DIR": ts.plugins, "LC_ALL": "C.UTF-8"}
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.getuid() == 0 else []
    start = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(prefix + ["tshark"] + args, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    return text, usage.ru_maxrss * 1024, time.monotonic() - start, proc.returncode


def flood_file(ts, frames):
    path = os.path.join(ts.stage, "flood-%d.pcap" % frames)
    if not os.path.exists(path):
        sa_flood.write(path, frames)
        os.chmod(path, 0o644)
    return path


def plugin_overhead(ts, pcap, max_sas, check):
    """Peak RSS with the plugin minus without it (same file, a display filter in both so
    tshark builds its trees alike); checks the SA-limit note on the way."""
    fields = ["-T", "fields", "-e", "frame.number"]
    out, with_plugin, seconds, rc = measured_run(ts, ["-r", pcap, "-o", "ikediag.max_sas:%d" % max_sas,
                                                      "-Y", "ikediag.sa_limit"] + fields)
    check.expect(rc == 0, "max_sas %d: tshark exit %d" % (max_sas, rc))
    notes = out.split()
    check.expect(notes == [str(max_sas + 1)], "max_sas %d: expected one SA-limit note, at frame %d; got %s"
                 % (max_sas, max_sas + 1, notes[:5]))
    _, without, _, rc = measured_run(ts, ["-r", pcap, "--disable-protocol", "ikediag", "-Y", "isakmp"] + fields)
    check.expect(rc == 0, "without the plugin: tshark exit %d" % rc)
    return with_plugin - without, seconds


# Per frame past the cap the plugin may keep a small result (tshark itself keeps several
# hundred bytes a frame); a tracked SA costs far more, so this catches a cap that leaks.
BYTES_PER_UNTRACKED_FRAME = 200


def check_sa_limit(ts, small, large, max_sas):
    check = Check("%d new SAs, max_sas %d" % (large, max_sas))
    small_overhead, _ = plugin_overhead(ts, flood_file(ts, small), max_sas, check)
    large_overhead, seconds = plugin_overhead(ts, flood_file(ts, large), max_sas, check)
    allowed = small_overhead + (large - small) * BYTES_PER_UNTRACKED_FRAME
    print("     plugin memory: %.1f MB for %d frames, %.1f MB for %d (allowed %.1f MB), %.0f s"
          % (small_overhead / 1e6, small, large_overhead / 1e6, large, allowed / 1e6, seconds))
    check.expect(large_overhead <= allowed, "plugin memory grows past the cap: %.1f MB for %d frames vs %.1f MB "
                 "for %d" % (large_overhead / 1e6, large, small_overhead / 1e6, small))
    return check


def check_many_sas_time(ts, frames):
    """Every SA tracked (default cap): the plugin must not turn linear work quadratic."""
    check = Check("%d new SAs, default max_sas: time" % frames)
    pcap = flood_file(ts, frames)
    args = ["-r", pcap, "-T", "fields", "-e", "frame.number"]
    _, _, with_plugin, rc = measured_run(ts, args + ["-e", "ikediag.sa"])
    _, _, without, _ = measured_run(ts, args + ["--disable-protocol", "ikediag"])
    print("     %.1f s with the plugin, %.1f s without" % (with_plugin, without))
    check.expect(rc == 0, "tshark exit %d" % rc)
    check.expect(with_plugin < 4 * without + 20, "%.1f s with the plugin vs %.1f s without: superlinear?"
                 % (with_plugin, without))
    return check


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--only", help="run one check: a capture name from CASES, preferences, sa-limit, sa-time "
                    "or sa-limit-1m")
    ap.add_argument("--slow", action="store_true", default=os.environ.get("IKEDIAG_SLOW_TESTS") == "1",
                    help="also the 1,000,000-SA flood (IKEDIAG_SLOW_TESTS=1)")
    args = ap.parse_args()

    ts = Tshark(args.plugin_dir)
    runs = [(name, lambda name=name, case=case: check_capture(ts, name, case)) for name, case in CASES.items()]
    runs += [("preferences", lambda: check_preferences(ts)),
             ("sa-limit", lambda: check_sa_limit(ts, 10000, 100000, 1000)),
             ("sa-time", lambda: check_many_sas_time(ts, 30000))]
    if args.slow:
        runs.append(("sa-limit-1m", lambda: check_sa_limit(ts, 100000, 1000000, 10000)))
    checks = []
    try:
        for name, run in runs:
            if not args.only or args.only == name:
                checks.append(run())
                report(checks[-1])
    finally:
        ts.close()
    failed = sum(1 for c in checks if c.errors)
    print("hostile: %d passed, %d failed" % (len(checks) - failed, failed))
    return 1 if failed else 0


def report(check):
    if check.errors:
        print("FAIL %s" % check.name)
        for e in check.errors:
            print("    " + e)
    else:
        print("ok   %s" % check.name)
    sys.stdout.flush()


if __name__ == "__main__":
    shutil.which("tshark") or sys.exit("hostile: tshark not found")
    sys.exit(main())
