#!/usr/bin/env python3
"""Write proposal 1 (1-hash64.patch) against the current plugin/core/ike_model.c:
a 64-bit key hash that mixes both halves, for every table keyed by a 64-bit value.
The file changes under other hands; regenerate the patch rather than fix it up."""
import difflib
import os
import re

here = os.path.dirname(os.path.abspath(__file__))
path = "plugin/core/ike_model.c"
old = open(os.path.join(here, "..", "..", path)).read()
helper = '''/* ---- small helpers -------------------------------------------------------------- */

/* GLib 2.74 (Debian 12) g_int64_hash keeps only the low 32 bits of a key, and every
 * phase-1 exchange key (SA number << 32 | message ID 0) has low bits 0: they all
 * collide, and each lookup walks every SA.  Mix both halves (MurmurHash3 fmix64). */
static guint hash_u64(gconstpointer v)
{
    uint64_t k = *(const uint64_t *)v;
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (guint)k;
}
'''
new = old.replace("/* ---- small helpers -------------------------------------------------------------- */\n", helper, 1)
new = re.sub(r"g_hash_table_new(_full)?\(g_int64_hash,", r"g_hash_table_new\1(hash_u64,", new)
assert new != old and "hash_u64(gconstpointer" in new
diff = difflib.unified_diff(old.splitlines(True), new.splitlines(True), "a/" + path, "b/" + path)
open(os.path.join(here, "1-hash64.patch"), "w").writelines(diff)
