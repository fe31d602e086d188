#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# profiles/make-zip.sh: re-make profiles/ikediag-profile.zip, the Wireshark profile as a
# zip for Edit > Configuration Profiles > Import > from zip file.  Deterministic: fixed
# timestamps and file order, so the zip changes only when the profile does.
set -eu
cd "$(dirname "$0")"
python3 - <<'PY'
import os
import zipfile

with zipfile.ZipFile("ikediag-profile.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir("ikediag")):
        info = zipfile.ZipInfo("ikediag/" + name, date_time=(2024, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(os.path.join("ikediag", name), "rb") as f:
            z.writestr(info, f.read())
PY
echo "profiles/ikediag-profile.zip: $(unzip -Z1 ikediag-profile.zip | tr '\n' ' ')"
