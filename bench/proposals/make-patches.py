#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the proposal patches (2-*.patch ... 4-*.patch) against the current sources.

The plugin changes under other hands while it is measured, so each proposal is kept
as a small edit (old text -> new text) and the patch is regenerated from it; a
proposal whose old text is gone is reported and left out.  Measurement-only edits
(measure-only-*.patch) are written the same way."""
import difflib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))



# name -> [(file, old, new or callable)]
PROPOSALS = {
    # 1-hash64 (a 64-bit key hash mixing both halves) was applied upstream in 3a4308b.
    # 2-early-exit-layer-ids (layer ids instead of names) was applied upstream in b4112f5.
    "3-expert-summaries-without-frame-numbers": [
        ("plugin/render.c",
         '        expert_add_info_format(pinfo, ti, &ei_resend, "Retransmission of %s (frame %u)", label, res->retrans_of);',
         "        /* No frame number in an expert summary: tshark's expert tap compares each new\n"
         "         * summary with every distinct one so far (quadratic in distinct texts); the\n"
         "         * frame is in ikediag.retransmission. */\n"
         '        expert_add_info_format(pinfo, ti, &ei_resend, "Retransmission of %s", label);'),
        ("plugin/render.c", '"%s (%u) in reply to %s (frame %u)",', '"%s (%u) in reply to %s", /* frame: ikediag.request_in */'),
        ("plugin/render.c", "code ? code : \"notify\", res->notify, asked, res->request_in);",
         "code ? code : \"notify\", res->notify, asked);"),
    ],
    # 4-digest-without-md5 was applied in 5d129c6.  The measure-only variants (no primed
    # fields, one primed field, no proto data, no global resend table) measured what the
    # design of 2926847..b7186f8 then removed: ikediag primes no field, keeps no proto
    # data and finds resends within their exchange.
}


def main():
    ok = True
    for name, edits in PROPOSALS.items():
        files = {}
        for path, old, new in edits:
            text = files.get(path) or open(os.path.join(REPO, path)).read()
            if isinstance(old, re.Pattern):
                changed = old.sub(new.replace("\\", "\\\\") if "\\1" not in new else new, text, count=0)
            else:
                changed = text.replace(old, new, 1) if old in text else text
            if changed == text:
                print("%s: no longer applies to %s (text not found); left out" % (name, path), file=sys.stderr)
                ok = False
                files = {}  # all or nothing: half a proposal would not build
                break
            files[path] = changed
        with open(os.path.join(HERE, name + ".patch"), "w") as f:
            for path, new in files.items():
                old = open(os.path.join(REPO, path)).read()
                f.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True), "a/" + path, "b/" + path))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
