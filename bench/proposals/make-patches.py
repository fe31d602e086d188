#!/usr/bin/env python3
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


DIGEST = '''/* A resend is byte-identical and carries the SA's cookies, and the model compares
 * digests within one SA only: a 64-bit multiply-xorshift mix over 8-byte words tells
 * messages apart, with no allocation and about a tenth of MD5's instructions. */
uint64_t ike_digest(const uint8_t *bytes, unsigned length)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ length;
    unsigned i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t word;
        memcpy(&word, bytes + i, 8);
        h = (h ^ word) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    uint64_t tail = 0;
    memcpy(&tail, bytes + i, length - i);
    h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}
'''

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
    "4-digest-without-md5": [
        ("plugin/core/ike_msg.c", re.compile(r"/\* MD5 is plenty.*?\n}\n", re.S), DIGEST),
    ],
    # Measurement only: what the forced tree and the per-frame tables cost.
    "measure-only-no-wanted-fields": [
        ("plugin/ikediag.c", "set_postdissector_wanted_hfids(ikediag_handle, extract_wanted_fields());",
         "(void)extract_wanted_fields; /* measurement only: no primed fields, no forced tree */"),
    ],
    "measure-only-one-wanted-field": [
        ("plugin/extract.c", "    for (int f = 0; f < F_COUNT; f++)\n        for (int i = 0; i < MAX_IDS && field_ids[f][i] != -1; i++)\n            g_array_append_val(wanted",
         "    for (int f = 0; f < 1; f++) /* measurement only: the isakmp protocol alone */\n        for (int i = 0; i < MAX_IDS && field_ids[f][i] != -1; i++)\n            g_array_append_val(wanted"),
    ],
    "measure-only-no-proto-data": [
        ("plugin/ikediag.c", "        p_add_proto_data(wmem_file_scope(), pinfo, proto_ikediag, 0, res);",
         "        (void)0; /* measurement only: no per-frame proto data (a single pass still renders) */"),
    ],
    "measure-only-no-first-copy": [
        ("plugin/core/ike_model.c", "    g_hash_table_insert(model->first_copy, &stored->digest, stored);",
         "    /* measurement only: no resend table */"),
    ],
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
