#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check the three views against test-pcaps/MANIFEST: the -z ikediag,sa table, the
flow graph (-z flow,ikediag,network) and ikediag-scan's JSON and CSV output.

Every exchange's verdict (outcome, stall point, cause) must match the manifest in
each view; the SA rows must show the SA-level outcome derived from the manifest by
the rule in plugin/views.c.  Both single pass (what users run) and two-pass (-2).
The scanner must also name a non-capture and a truncated file, go on with the
batch, and exit non-zero; with GNU parallel and without it the result is the same.
"""
import argparse
import collections
import concurrent.futures
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import manifest  # noqa: E402
from wsrun import Tshark  # noqa: E402

SCANNER = os.path.join(ROOT, "tools", "ikediag-scan")
SEVERITY = {"stalled": 3, "cut": 2, "orphan": 1}
VERDICT = re.compile(r"\b(MM|AM|QM\d+|TXN\d+|SA_INIT\d*|AUTH\d*|CHILD\d+|INFO\d+|INTER\d+) "
                     r"(complete|stalled|cut|orphan)(?: at ([A-Z_]+#\d|XAUTH))?(?:: ([\w-]+) \()?")
V2_NAMES = re.compile(r"^(SA_INIT|AUTH|CHILD|INFO|INTER)\d*$")


def triple(outcome, stall, cause):
    return (outcome, stall or "-", cause or "-")


def expected_exchanges(cap, with_keys=False):
    """(sa, exchange name) -> (outcome, stall, cause), for the exchanges with a verdict."""
    return {(e.sa, e.name): triple(*e.expected(with_keys)) for e in cap.exchanges if e.expected(with_keys)}


def listed(name, verdict):
    """Exchanges the table lists under their SA (views_exchange_listed): Quick Modes and
    IKEv2's after IKE_SA_INIT; TXN and INFO only when not complete."""
    if name.startswith(("TXN", "INFO")):
        return verdict[0] != "complete"
    return name.startswith("QM") or (bool(V2_NAMES.match(name)) and name != "SA_INIT")


def opening(name):
    return name in ("MM", "AM", "SA_INIT")


def json_exchanges(cap, with_keys=False):
    """The exchanges the JSON export lists per SA: the one that opens it, then the listed ones."""
    return {k: v for k, v in expected_exchanges(cap, with_keys).items() if opening(k[1]) or listed(k[1], v)}


def expected_sas(cap, with_keys=False):
    """sa -> its SA-level (outcome, stall, cause): the rule of views_describe_sa()."""
    per_sa = {}
    for (sa, name), verdict in expected_exchanges(cap, with_keys).items():
        per_sa.setdefault(sa, []).append((name, verdict))
    result = {}
    for sa, exchanges in per_sa.items():
        phase1 = [v for n, v in exchanges if opening(n)]
        later = [(n, v) for n, v in exchanges if not opening(n) and n != "INFO"]  # in MANIFEST order
        worst = None
        for n, v in later:
            if v[0] != "complete" and SEVERITY.get(v[0], 0) > SEVERITY.get(worst[0] if worst else "", 0):
                worst = v
        quick = [v for n, v in later if n.startswith(("QM", "AUTH"))]  # what brings the tunnel up
        # an orphan phase 1 whose last message is in the capture is done
        done = phase1 and (phase1[0][0] == "complete" or (phase1[0][0] == "orphan" and any(
            f.msg in ("MM#6", "AM#3") for f in cap.frames.values())))
        if phase1 and not done:
            result[sa] = phase1[0]
        elif worst and worst[0] == "stalled":
            result[sa] = worst
        elif any(v[0] == "complete" for v in quick):
            result[sa] = triple("complete", None, None)
        else:
            result[sa] = worst or triple("phase1" if phase1 else "complete" if sa in cap.rekeys else "orphan",
                                         None, None)
    return result


def compare(tag, want, got, errors):
    for key in sorted(set(want) | set(got), key=str):
        if want.get(key) != got.get(key):
            errors.append("%s %s: expected %s, got %s" % (tag, key, want.get(key), got.get(key)))


# ---- the -z table -----------------------------------------------------------------

def read_table(text):
    """SA rows: sa -> verdict; Quick Mode rows: (sa, QMn) -> verdict; tunnels: (sa, QMn)
    -> (Tunnel, Encaps / decaps) of the rows that have one.  Where (cell 17) is "-" in a
    one-point capture (the only kind checked here): a row with anything else there is not
    read, so its verdict goes missing."""
    sas, exchanges, tunnels = {}, {}, {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split(" |")]
        if len(cells) != 21 or not cells[0].isdigit() or cells[17] != "-":  # 20 cells, each followed by " |"
            continue
        sa, name, verdict = int(cells[0]), cells[1], triple(cells[2], cells[3], cells[4])
        if name.split()[0] == "SA":
            sas[sa] = verdict
        else:
            exchanges[(sa, name)] = verdict
            if cells[18] != "-":
                tunnels[(sa, name)] = (cells[18], cells[19])
    return sas, exchanges, tunnels


def check_table(out, cap, extra, errors):
    sas, quick, tunnels = read_table(out)
    tag = "table%s" % (" -2" if extra else "")
    compare(tag + " SA", expected_sas(cap), sas, errors)
    want_quick = {k: v for k, v in expected_exchanges(cap).items() if listed(k[1], v)}
    compare(tag, want_quick, quick, errors)
    # the traffic comes after the child: its state is final once the file is read; with
    # several children, without keys (as here) ESP can be ambiguous between them (README,
    # The tunnel's life): check_tunnels.py checks those with keys
    if extra and len(cap.tunnels) == 1:
        for key, (state, _silent) in cap.tunnels.items():
            got = tunnels.get(key, ("-",))[0]
            if got != state and key in quick:
                errors.append("%s %s: Tunnel column %s, MANIFEST says %s" % (tag, key, got, state))
        for key, (state, counts) in tunnels.items():
            to_r = sum(1 for sa, child, d in cap.esp.values() if (sa, child) == (str(key[0]), key[1]) and d == "I>R")
            to_i = sum(1 for sa, child, d in cap.esp.values() if (sa, child) == (str(key[0]), key[1]) and d == "R>I")
            if cap.esp and counts != "%d / %d" % (to_r, to_i):
                errors.append("%s %s: Encaps / decaps %s, MANIFEST's esp lines count %d / %d" % (tag, key, counts,
                                                                                            to_r, to_i))


# ---- the flow graph ---------------------------------------------------------------

def read_flow(text):
    """(sa, exchange) -> verdict, from the comments; and how often each was shown."""
    verdicts, shown = {}, {}
    for line in text.splitlines():
        comment = line.rsplit("|", 1)[-1]
        m = re.match(r"SA (\d+)", comment)
        if not m:
            continue
        for name, outcome, stall, cause in VERDICT.findall(comment):
            key = (int(m.group(1)), name)
            verdicts[key] = triple(outcome, stall, cause)
            shown[key] = shown.get(key, 0) + 1
    return verdicts, shown


def check_flow(out, cap, extra, errors):
    verdicts, shown = read_flow(out)
    tag = "flow%s" % (" -2" if extra else "")
    compare(tag, expected_exchanges(cap), verdicts, errors)
    for key, n in shown.items():
        if n != 1:
            errors.append("%s %s: verdict shown on %d frames, expected one" % (tag, key, n))


# ---- the scanner ------------------------------------------------------------------

def run_scanner(plugin_dir, args):
    cmd = [sys.executable, SCANNER, "--plugin-dir", plugin_dir, "-q"] + args
    return subprocess.run(cmd, capture_output=True, text=True)


def scanner_results(stdout, errors, tag):
    """file name -> {sa: object}."""
    files = {}
    for line in stdout.splitlines():
        try:
            sa = json.loads(line)
        except ValueError:
            errors.append("%s: not JSON: %r" % (tag, line[:100]))
            continue
        if "status" in sa:  # a file's status record: tests/views/check_scan.py
            continue
        files.setdefault(os.path.basename(sa["file"]), {})[sa["sa"]] = sa
    return files


def check_scanned(caps, files, with_keys, tag, errors):
    for cap in caps:
        got = files.get(cap.name, {})
        compare("%s %s SA" % (tag, cap.name), expected_sas(cap, with_keys),
                {n: triple(s["outcome"], s["stall"], s["cause"]) for n, s in got.items()}, errors)
        exchanges = {(n, e["exchange"]): triple(e["outcome"], e["stall"], e["cause"])
                     for n, s in got.items() for e in s["exchanges"]}
        compare("%s %s" % (tag, cap.name), json_exchanges(cap, with_keys), exchanges, errors)


def combined_keys(pcaps, caps, folder):
    path = os.path.join(folder, "all.keys")
    with open(path, "w") as out:
        for cap in caps:
            if cap.keys:
                with open(os.path.join(pcaps, cap.keys)) as f:
                    out.write(f.read().rstrip("\n") + "\n")
    return path


def check_scanner(plugin_dir, pcaps, caps, errors):
    plain = run_scanner(plugin_dir, [pcaps])
    if plain.returncode != 0:
        errors.append("scanner on test-pcaps: status %d: %s" % (plain.returncode, plain.stderr.strip()))
    files = scanner_results(plain.stdout, errors, "scanner")
    check_scanned(caps, files, False, "scanner", errors)
    if shutil.which("parallel"):
        names = [os.path.join(pcaps, cap.name) for cap in caps]
        par = run_scanner(plugin_dir, ["--parallel", "-j", "2"] + names)
        if scanner_results(par.stdout, errors, "scanner+parallel") != {c.name: files.get(c.name) for c in caps}:
            errors.append("scanner with GNU parallel differs from the plain run")
    with tempfile.TemporaryDirectory() as tmp:
        keyed_caps = [c for c in caps if c.keys]
        keyed = run_scanner(plugin_dir, ["-k", combined_keys(pcaps, caps, tmp)]
                            + [os.path.join(pcaps, c.name) for c in keyed_caps])
        check_scanned(keyed_caps, scanner_results(keyed.stdout, errors, "scanner -k"), True, "scanner -k", errors)
        check_csv(plugin_dir, pcaps, caps, errors)
        check_bad_files(plugin_dir, pcaps, caps, tmp, errors)


def check_csv(plugin_dir, pcaps, caps, errors):
    names = [os.path.join(pcaps, cap.name) for cap in caps]
    proc = run_scanner(plugin_dir, ["-f", "csv", "--outcome", "stalled"] + names)
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    want = sum(1 for cap in caps for v in expected_sas(cap).values() if v[0] == "stalled")
    if len(rows) != want or any(r["outcome"] != "stalled" for r in rows):
        errors.append("scanner CSV --outcome stalled: %d rows, expected %d stalled" % (len(rows), want))


def check_bad_files(plugin_dir, pcaps, caps, tmp, errors):
    """A non-capture and a truncated capture are named, the batch goes on, status 1."""
    bad = os.path.join(tmp, "bad")
    os.makedirs(bad)
    good = next(c for c in caps if len(c.frames) > 4)
    with open(os.path.join(bad, "notes.pcap"), "w") as f:
        f.write("not a capture\n")
    with open(os.path.join(pcaps, good.name), "rb") as f:
        data = f.read()
    with open(os.path.join(bad, "cut.pcap"), "wb") as f:
        f.write(data[:len(data) * 2 // 3])
    proc = run_scanner(plugin_dir, [bad, os.path.join(pcaps, good.name)])
    if proc.returncode != 1:
        errors.append("scanner with bad files: status %d, expected 1" % proc.returncode)
    for name, words in (("notes.pcap", "isn't a capture file"), ("cut.pcap", "cut short")):
        if not re.search(re.escape(name) + ".*" + words, proc.stderr):
            errors.append("scanner: no clear message for %s in %r" % (name, proc.stderr))
    if good.name not in scanner_results(proc.stdout, errors, "scanner bad files"):
        errors.append("scanner: the batch stopped at a bad file (%s missing)" % good.name)


def check_capture(ts, pcaps, cap):
    errors = []
    pcap = ts.stage_file(os.path.join(pcaps, cap.name))
    for extra in ([], ["-2"]):
        out = ts.run(extra + ["-q", "-n", "-r", pcap, "-z", "ikediag,sa", "-z", "flow,ikediag,network"]).stdout
        check_table(out, cap, extra, errors)
        check_flow(out, cap, extra, errors)
    return errors


def check_silence(ts, errors):
    """Silence seen only through non-ISAKMP frames must give single pass the final verdicts."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "silence.pcap")
        subprocess.run([sys.executable, os.path.join(HERE, "silence_capture.py"), path], check=True)
        pcap = ts.stage_file(path)
    runs = {}
    for extra in ([], ["-2"]):
        out = ts.run(extra + ["-q", "-n", "-r", pcap, "-z", "ikediag,sa", "-z", "flow,ikediag,network"]).stdout
        runs[bool(extra)] = (read_table(out), read_flow(out)[0])
    (sas, quick, _tunnels), flow = runs[True]
    if sas.get(2, ("",))[0] != "stalled" or quick.get((1, "QM2"), ("",))[0] != "stalled":
        errors.append("silence capture, two-pass: expected SA 2 and QM2 stalled, got %s %s" % (sas, quick))
    if runs[False] != runs[True]:
        errors.append("silence capture: single pass %s differs from two-pass %s (does the post-dissector queue "
                      "a tap event for frames without ISAKMP?)" % (runs[False], runs[True]))


def check_readme_scan(caps, errors):
    """The README's `ikediag-scan test-pcaps/` example: its file, SA, outcome and cause
    counts must be what MANIFEST implies (SA verdicts by expected_sas, without keys)."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"\$ ikediag-scan test-pcaps/ > scan.jsonl\n(.*?)\n\n", text, re.S)
    if not m:
        errors.append("README.md: no `ikediag-scan test-pcaps/` example found")
        return
    block = m.group(1)
    head = re.search(r"(\d+) files \((\d+) failed\), (\d+) IKE SAs, (\d+) written", block)
    sas = [v for cap in caps for v in expected_sas(cap).values()]
    # the outcome and cause tables: "  NAME  SAS  FILES" after their headers
    block = block[block.index("  outcome"):] if "  outcome" in block else block
    block = block[:block.index("  tunnel ")] if "  tunnel " in block else block  # the SAs' ESP: check_tunnels.py
    outcomes = collections.Counter(v[0] for v in sas)
    causes = collections.Counter(v[2] for v in sas if v[2] != "-")
    want = (len(caps), 0, len(sas), len(sas))
    if not head or tuple(int(x) for x in head.groups()) != want:
        errors.append("README.md scan example: expected %d files (0 failed), %d IKE SAs, %d written; it says %s"
                      % (want[0], want[2], want[3], head.group(0) if head else block.splitlines()[0]))
    rows = dict(re.findall(r"^  ([a-z0-9-]+) +(\d+) +\d+$", block, re.M))
    got = {k: int(v) for k, v in rows.items()}
    expected = dict(outcomes)
    expected.update(causes)
    if got != expected:
        errors.append("README.md scan example: counts %s, MANIFEST implies %s" % (sorted(got.items()),
                                                                                 sorted(expected.items())))


def report(name, errors):
    print(("FAIL %s" % name) if errors else ("ok   %s" % name))
    for e in errors:
        print("    " + e)
    return bool(errors)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--pcaps", required=True)
    args = ap.parse_args()
    caps = [c for c in manifest.parse(os.path.join(args.pcaps, "MANIFEST")) if not c.unavailable and not c.vantages]  # two points: check_two_points.py
    ts = Tshark(args.plugin_dir)
    failed = 0
    try:
        # tshark starts slowly: check the captures on all cores.
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            for cap, errors in zip(caps, pool.map(lambda c: check_capture(ts, args.pcaps, c), caps)):
                failed += report("%s (table, flow)" % cap.name, errors)
        errors = []
        check_silence(ts, errors)
        failed += report("silence (single pass = two-pass)", errors)
    finally:
        ts.close()
    errors = []
    # every capture the scan reads, `unavailable` blocks too (their verdicts are the truth)
    scanned = [c for c in manifest.parse(os.path.join(args.pcaps, "MANIFEST"))
               if os.path.exists(os.path.join(args.pcaps, c.name))]
    check_readme_scan(scanned, errors)
    failed += report("README's scan example against MANIFEST", errors)
    errors = []
    check_scanner(args.plugin_dir, args.pcaps, caps, errors)
    failed += report("scanner (JSON, keys, CSV, GNU parallel, bad files)", errors)
    print("views: %d captures, %d failed checks" % (len(caps), failed))
    return 1 if failed or not caps else 0


if __name__ == "__main__":
    sys.exit(main())
