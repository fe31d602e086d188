#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check ikediag-scan's status records, schema, keys, times, CSV and progress.

One default-path run over test-pcaps, tests/hostile/captures and a folder of bad files
(a non-capture, an empty file, a capture cut with `head -c`, a one-frame fuzzed Main
Mode header, an IKEv2-only capture) must give:
  - one status record per file, with the status the file calls for, and a summary
    whose per-status counts add up to the number of files;
  - records that all validate against docs/ikediag-scan.schema.json (a validator for
    the subset of JSON Schema the schema uses is below: the tests use the standard
    library only);
  - a first progress line on stderr soon after the start.  The bound is a loose 5 s
    (the scanner prints it before starting tshark; the machine may be busy), not
    the 2 s the scanner aims at: a flaky test would help nobody.
Then: -k auto picks up X.keys and X.pcap.keys (the cause with keys comes from the
MANIFEST's 6th `exchange` column); first_time/last_time equal tshark's
frame.time_epoch of the first/last frame; the CSV has the new columns after the old
ones; --per-exchange gives one row per exchange with the MANIFEST's verdicts.
"""
import argparse
import calendar
import csv
import decimal
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "hostile"))
sys.path.insert(0, HERE)
import manifest  # noqa: E402
from wsrun import Tshark  # noqa: E402
from check_views import expected_sas, json_exchanges, report, triple  # noqa: E402

SCANNER = os.path.join(ROOT, "tools", "ikediag-scan")
SCHEMA = os.path.join(ROOT, "docs", "ikediag-scan.schema.json")
HOSTILE = os.path.join(ROOT, "tests", "hostile", "captures")
OLD_CSV_COLUMNS = ["file", "sa", "peers", "initiator", "responder", "mode", "outcome", "judged", "stall", "cause",
                   "summary", "evidence", "evidence_frames", "candidates", "offered", "chosen", "first_frame",
                   "last_frame", "messages", "resends", "seconds"]
NEW_CSV_COLUMNS = ["check", "cisco_log", "icookie", "rcookie", "first_time", "last_time"]
PROGRESS_BOUND = 5.0  # seconds; see the docstring
ISO = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z$")


# ---- a JSON Schema validator for the subset the schema uses ---------------------------

TYPES = {"object": dict, "array": list, "string": str, "null": type(None), "boolean": bool}


def type_ok(value, name):
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


def validate(value, schema, root, path="$"):
    """Errors (strings) of value against schema: $ref (local), oneOf, type, enum,
    pattern, minimum, required, properties, additionalProperties (false), items."""
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            return ["%s: unsupported $ref %s" % (path, ref)]
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        return validate(value, target, root, path)
    errors = []
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not validate(value, s, root, path)]
        if len(matching) != 1:
            detail = "; ".join(e for s in schema["oneOf"] for e in validate(value, s, root, path)[:2])
            return ["%s: matches %d of oneOf (exactly 1 wanted): %s" % (path, len(matching), detail)]
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(type_ok(value, t) for t in types):
            return ["%s: %r is not of type %s" % (path, value, "/".join(types))]
    if "enum" in schema and value not in schema["enum"]:
        errors.append("%s: %r not in %s" % (path, value, schema["enum"]))
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append("%s: %r does not match %s" % (path, value, schema["pattern"]))
    if "minimum" in schema and type_ok(value, "number") and value < schema["minimum"]:
        errors.append("%s: %r below %r" % (path, value, schema["minimum"]))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append("%s: missing %s" % (path, key))
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                errors += validate(item, props[key], root, "%s.%s" % (path, key))
            elif schema.get("additionalProperties") is False:
                errors.append("%s: unexpected key %s" % (path, key))
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += validate(item, schema["items"], root, "%s[%d]" % (path, i))
    return errors


def check_validator(schema, errors):
    """The validator must reject what it is there to reject."""
    bad = [{"file": "x", "status": "lost", "sas": 0, "message": None, "isakmp_frames": None,
            "ikev2_frames": None, "keys": None, "scan_seconds": None},
           {"file": "x", "status": "analysed"},
           {"file": "x", "status": "analysed", "sas": 1, "message": None, "isakmp_frames": None,
            "ikev2_frames": None, "keys": None, "scan_seconds": None, "extra": 1},
           {"file": "x", "sa": 1, "outcome": None}]
    # The record issue 15 found (a one-frame fuzzed capture), complete but for its values.
    old = {"file": "x", "sa": 1, "peers": "?", "initiator": None, "responder": None, "icookie": "1122334455667788",
           "rcookie": "0" * 16, "version": 1, "mode": "MM", "first_frame": 1, "last_frame": 1,
           "first_time": "2026-05-03T20:08:41.123456Z", "last_time": "2026-05-03T20:08:41.123456Z",
           "messages": 1, "resends": 0, "outcome": None, "judged": "MM", "stall": None, "cause": None,
           "summary": None, "evidence": None, "evidence_frames": [], "candidates": None, "check": None,
           "cisco_log": None, "offered": None, "chosen": None, "seconds": None, "exchanges": [],
           "where": None, "clock_offset": None}
    fixed = dict(old, peers=None, outcome="orphan", tunnel=None)  # tunnel: 0.6
    if validate(fixed, schema, schema):
        errors.append("validator rejects a good record: %s" % validate(fixed, schema, schema))
    bad += [dict(fixed, peers="?"), dict(fixed, outcome=None), dict(fixed, first_time="2026-05-03 20:08:41"),
            dict(fixed, exchanges=[{"exchange": "MM"}]), dict(fixed, version=3), dict(fixed, where="nowhere"),
            dict(fixed, tunnel="sideways"),
            {k: v for k, v in fixed.items() if k != "where"}]
    for record in bad:
        if not validate(record, schema, schema):
            errors.append("validator accepts a bad record: %s" % record)


# ---- running the scanner -----------------------------------------------------------

def run_scanner(plugin_dir, args):
    cmd = [sys.executable, SCANNER, "--plugin-dir", plugin_dir, "-q"] + args
    return subprocess.run(cmd, capture_output=True, text=True)


def run_timed(plugin_dir, args):
    """(stdout, stderr, status, seconds to the first stderr line or None)."""
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, SCANNER, "--plugin-dir", plugin_dir] + args,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first, err_lines = [], []

    def read_stderr():
        for line in proc.stderr:
            if not first:
                first.append(time.monotonic() - start)
            err_lines.append(line)
    reader = threading.Thread(target=read_stderr)
    reader.start()
    out = proc.stdout.read()
    proc.wait()
    reader.join()
    return out, "".join(err_lines), proc.returncode, first[0] if first else None


def records(stdout, errors, tag):
    result = []
    for line in stdout.splitlines():
        try:
            result.append(json.loads(line))
        except ValueError:
            errors.append("%s: not JSON: %r" % (tag, line[:100]))
    return result


def make_bad_files(folder, good_pcap):
    """name -> expected status."""
    import ikepcap
    with open(os.path.join(folder, "notes.pcap"), "w") as f:
        f.write("not a capture, just notes\n")
    open(os.path.join(folder, "empty.pcap"), "w").close()
    size = os.path.getsize(good_pcap)
    with open(os.path.join(folder, "cut.pcap"), "wb") as f:
        f.write(subprocess.run(["head", "-c", str(size * 2 // 3), good_pcap], capture_output=True,
                               check=True).stdout)
    # One frame from port 501: a Main Mode header whose first payload is a one-byte ID.
    body = b"\x01"
    raw = (ikepcap.header(bytes.fromhex("1122334455667788"), bytes(8), ikepcap.PL_ID, ikepcap.XCHG_MAIN, 0, 0,
                          4 + len(body)) + bytes([0, 0, 0, 4 + len(body)]) + body)
    with open(os.path.join(folder, "fuzzed-one-frame.pcap"), "wb") as f:
        f.write(ikepcap.pcap_header() + ikepcap.pcap_record(1777838921.123456,
                                                              ikepcap.frame("192.0.2.1", "192.0.2.2", 501, 500, raw)))
    expected = {"notes.pcap": "unreadable", "empty.pcap": "unreadable", "cut.pcap": "truncated",
                "fuzzed-one-frame.pcap": "analysed"}
    ikev2 = os.path.join(HOSTILE, "ikev2-on-500.pcap")
    if os.path.exists(ikev2):
        shutil.copyfile(ikev2, os.path.join(folder, "ikev2-only.pcap"))
        expected["ikev2-only.pcap"] = "analysed"  # IKEv2 is analysed since 0.4
    return expected


def check_batch(plugin_dir, pcaps, caps, schema, tmp, errors):
    """The big run: status records, summary, schema, progress latency."""
    bad = os.path.join(tmp, "bad")
    os.makedirs(bad)
    good = next(c for c in caps if len(c.frames) > 4)
    expected = {os.path.join(bad, n): s for n, s in make_bad_files(bad, os.path.join(pcaps, good.name)).items()}
    for cap in caps:
        expected[os.path.join(pcaps, cap.name)] = "analysed" if cap.exchanges else "no-ike"
    hostile = sorted(os.path.join(HOSTILE, n) for n in os.listdir(HOSTILE)) if os.path.isdir(HOSTILE) else []
    files = sorted(expected) + hostile
    out, err, status, first_line = run_timed(plugin_dir, files)
    print("    scanner over %d files: first progress line after %s s, status %d"
          % (len(files), "%.2f" % first_line if first_line is not None else "-", status))
    if first_line is None or first_line > PROGRESS_BOUND:
        errors.append("first progress line after %s s (bound %.0f s)" % (first_line, PROGRESS_BOUND))
    if status != 1:
        errors.append("batch with bad files: status %d, expected 1" % status)
    recs = records(out, errors, "batch")
    statuses = {}
    for rec in recs:
        for e in validate(rec, schema, schema):
            errors.append("schema: %s: %s" % (rec.get("file"), e))
        if "status" in rec:
            if rec["file"] in statuses:
                errors.append("two status records for %s" % rec["file"])
            statuses[rec["file"]] = rec
    if sorted(statuses) != sorted(files):
        errors.append("status records for %d files, expected %d (missing: %s)"
                      % (len(statuses), len(files), sorted(set(files) - set(statuses))[:5]))
    for path, want in expected.items():
        got = statuses.get(path, {}).get("status")
        if got != want:
            errors.append("status of %s: %s, expected %s" % (os.path.basename(path), got, want))
    sa_count = {}
    for rec in recs:
        if "sa" in rec:
            sa_count[rec["file"]] = sa_count.get(rec["file"], 0) + 1
    for path, rec in statuses.items():
        if rec["sas"] != sa_count.get(path, 0):
            errors.append("%s: status says %d SAs, %d written" % (path, rec["sas"], sa_count.get(path, 0)))
    for cap in caps:
        want = len({e.sa for e in cap.exchanges})
        got = statuses.get(os.path.join(pcaps, cap.name), {}).get("sas")
        if got != want:
            errors.append("%s: %s SAs, MANIFEST has %d" % (cap.name, got, want))
    if statuses.get(os.path.join(bad, "cut.pcap"), {}).get("sas", 0) < 1:
        errors.append("cut.pcap: the SAs before the cut are not counted")
    # The summary: the per-status lines add up to the number of files.
    per_status = dict(re.findall(r"^  (analysed|no-ike|ikev2-only|unreadable|truncated) +(\d+)$", err, re.M))
    total = re.search(r"^  total +(\d+)$", err, re.M)
    if not total or int(total.group(1)) != len(files) or sum(map(int, per_status.values())) != len(files):
        errors.append("summary does not add up to %d files: %s %s" % (len(files), per_status, total and total.group(0)))
    return recs


def check_per_exchange_and_schema(plugin_dir, pcaps, caps, schema, errors):
    names = [os.path.join(pcaps, c.name) for c in caps]
    proc = run_scanner(plugin_dir, ["--per-exchange"] + names)
    got = {}
    for rec in records(proc.stdout, errors, "--per-exchange"):
        for e in validate(rec, schema, schema):
            errors.append("schema --per-exchange: %s: %s" % (rec.get("file"), e))
        if "exchange" in rec:
            got.setdefault(os.path.basename(rec["file"]), {})[(rec["sa"], rec["exchange"])] = triple(
                rec["outcome"], rec["stall"], rec["cause"])
    for cap in caps:
        want = json_exchanges(cap)
        if got.get(cap.name, {}) != want:
            errors.append("--per-exchange %s: %s, expected %s" % (cap.name, got.get(cap.name), want))
    # CSV, one row per exchange: as many rows as the MANIFEST has exchanges.
    proc = run_scanner(plugin_dir, ["-f", "csv", "--per-exchange"] + names)
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    n_exchanges = sum(len(json_exchanges(c)) for c in caps)
    if len(rows) != n_exchanges:
        errors.append("CSV --per-exchange: %d rows, expected %d" % (len(rows), n_exchanges))
    if rows and "exchange" not in rows[0]:
        errors.append("CSV --per-exchange: no exchange column")


def check_csv(plugin_dir, pcaps, caps, json_recs, errors):
    stalled = [c for c in caps if any(v[0] == "stalled" for v in expected_sas(c).values())][:4]
    proc = run_scanner(plugin_dir, ["-f", "csv"] + [os.path.join(pcaps, c.name) for c in stalled])
    reader = csv.DictReader(io.StringIO(proc.stdout))
    if reader.fieldnames is None or list(reader.fieldnames[:len(OLD_CSV_COLUMNS)]) != OLD_CSV_COLUMNS:
        errors.append("CSV: the old columns changed: %s" % reader.fieldnames)
    for col in NEW_CSV_COLUMNS:
        if col not in (reader.fieldnames or []):
            errors.append("CSV: no %s column" % col)
    by_key = {(r["file"], r["sa"]): r for r in json_recs if "sa" in r}
    rows = list(reader)
    if len(rows) != sum(len(expected_sas(c)) for c in stalled):
        errors.append("CSV: %d rows for %d SAs" % (len(rows), sum(len(expected_sas(c)) for c in stalled)))
    for row in rows:
        sa = by_key.get((row["file"], int(row["sa"])))
        if not sa:
            errors.append("CSV row %s SA %s not in the JSON" % (row["file"], row["sa"]))
            continue
        for col in NEW_CSV_COLUMNS:
            if row[col] != ("" if sa[col] is None else str(sa[col])):
                errors.append("CSV %s SA %s %s: %r, JSON %r" % (row["file"], row["sa"], col, row[col], sa[col]))
        if row["outcome"] == "stalled" and not (row["check"] and row["cisco_log"]):
            errors.append("CSV %s: stalled without check/cisco_log" % row["file"])


def check_auto_keys(plugin_dir, pcaps, caps, tmp, errors):
    """-k auto finds X.keys and X.pcap.keys; without -k the cause is the keyless one."""
    keyed = [c for c in caps if c.keys and any(e.cause_with_keys and e.cause_with_keys != e.cause
                                                for e in c.exchanges)][:2]
    if len(keyed) < 2:
        errors.append("MANIFEST: fewer than two captures whose cause differs with keys")
        return
    folder = os.path.join(tmp, "auto")
    os.makedirs(folder)
    paths = []
    for cap, sidecar in zip(keyed, ("{stem}.keys", "{name}.keys")):
        dest = os.path.join(folder, cap.name)
        shutil.copyfile(os.path.join(pcaps, cap.name), dest)
        shutil.copyfile(os.path.join(pcaps, cap.keys), os.path.join(folder, sidecar.format(
            stem=cap.name[:-len(".pcap")], name=cap.name)))
        paths.append(dest)
    for args, with_keys in ((["-k", "auto"], True), ([], False)):
        proc = run_scanner(plugin_dir, args + [folder])
        recs = records(proc.stdout, errors, "-k auto")
        for cap in keyed:
            got = {(r["sa"], e["exchange"]): triple(e["outcome"], e["stall"], e["cause"])
                   for r in recs if r.get("file", "").endswith(cap.name) and "sa" in r for e in r["exchanges"]}
            want = json_exchanges(cap, with_keys)
            if got != want:
                errors.append("%s %s: %s, expected %s" % (" ".join(args) or "no -k", cap.name, got, want))
        used = {os.path.basename(r["file"]): r["keys"] for r in recs if "status" in r}
        if with_keys and any(not used.get(c.name) for c in keyed):
            errors.append("-k auto: status records name no key file: %s" % used)


def iso_to_micros(text):
    m = ISO.match(text or "")
    if not m:
        return None
    y, mo, d, h, mi, s, us = map(int, m.groups())
    return calendar.timegm((y, mo, d, h, mi, s)) * 1000000 + us


def check_times(plugin_dir, pcaps, caps, json_recs, errors):
    """first_time/last_time (SA and exchange) = frame.time_epoch of first/last_frame."""
    ts = Tshark(plugin_dir)
    try:
        for cap in caps[:6]:
            path = os.path.join(pcaps, cap.name)
            pcap = ts.stage_file(path)
            epoch = {int(n): int((decimal.Decimal(t) * 1000000).quantize(decimal.Decimal(1),
                                                                         rounding=decimal.ROUND_HALF_UP))
                     for n, t in ts.fields(pcap, ["frame.number", "frame.time_epoch"])}
            objs = [r for r in json_recs if r.get("file") == path and "sa" in r]
            objs += [e for r in objs for e in r["exchanges"]]
            if not objs:
                errors.append("times: no SA for %s" % cap.name)
            for o in objs:
                for frame_key, time_key in (("first_frame", "first_time"), ("last_frame", "last_time")):
                    if iso_to_micros(o[time_key]) != epoch.get(o[frame_key]):
                        errors.append("%s %s: %s=%s, frame %d at %s us" % (
                            cap.name, o.get("exchange", "SA"), time_key, o[time_key], o[frame_key],
                            epoch.get(o[frame_key])))
    finally:
        ts.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--pcaps", required=True)
    args = ap.parse_args()
    caps = [c for c in manifest.parse(os.path.join(args.pcaps, "MANIFEST")) if not c.unavailable and not c.vantages]  # two points: check_two_points.py
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    failed = 0
    errors = []
    check_validator(schema, errors)
    failed += report("schema validator rejects bad records", errors)
    with tempfile.TemporaryDirectory() as tmp:
        errors = []
        recs = check_batch(args.plugin_dir, args.pcaps, caps, schema, tmp, errors)
        failed += report("scanner: a status record per file, summary adds up, schema, progress", errors)
        for name, check in (
                ("scanner --per-exchange (JSON, CSV) and schema",
                 lambda e: check_per_exchange_and_schema(args.plugin_dir, args.pcaps, caps[:8], schema, e)),
                ("scanner CSV: new columns", lambda e: check_csv(args.plugin_dir, args.pcaps, caps, recs, e)),
                ("scanner -k auto", lambda e: check_auto_keys(args.plugin_dir, args.pcaps, caps, tmp, e)),
                ("scanner times = frame.time_epoch", lambda e: check_times(args.plugin_dir, args.pcaps, caps,
                                                                            recs, e))):
            errors = []
            check(errors)
            failed += report(name, errors)
    print("scan: %d failed checks" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
