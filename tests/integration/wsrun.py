# SPDX-License-Identifier: GPL-2.0-or-later
"""wsrun: run the real tshark with the plugin from the build tree.

tshark ignores WIRESHARK_PLUGIN_DIR and the personal plugin folder when run as root,
so as root every run drops to uid/gid 65534 (setpriv) inside a staging folder that
user can read.  Captures and key files are copied there too.
"""
import os
import shutil
import subprocess
import tempfile


class Tshark:
    def __init__(self, plugin_dir):
        self.stage = tempfile.mkdtemp(prefix="ikediag-test-")
        os.chmod(self.stage, 0o755)
        self.plugins = os.path.join(self.stage, "plugins")
        shutil.copytree(plugin_dir, self.plugins)
        self.home = os.path.join(self.stage, "home")
        os.makedirs(self.home)
        for root, dirs, files in os.walk(self.stage):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755)
        if os.getuid() == 0:
            os.chown(self.home, 65534, 65534)

    def close(self):
        shutil.rmtree(self.stage, ignore_errors=True)

    def stage_file(self, path, name=None):
        """Copy a file into the staging folder; returns its path there."""
        dest = os.path.join(self.stage, name or os.path.basename(path))
        shutil.copyfile(path, dest)
        os.chmod(dest, 0o644)
        return dest

    def config_dir_with_keys(self, keys_path):
        """A Wireshark configuration folder with the key file's lines in its UAT tables:
        2 fields to ikev1_decryption_table, 8 (SPIs, keys, algorithms) to ikev2's."""
        conf = tempfile.mkdtemp(prefix="conf-", dir=self.stage)
        os.chmod(conf, 0o755)
        tables = {"ikev1_decryption_table": [], "ikev2_decryption_table": []}
        with open(keys_path, encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    v2 = line.count(",") >= 7
                    tables["ikev2_decryption_table" if v2 else "ikev1_decryption_table"].append(line.rstrip("\n"))
        for name, lines in tables.items():
            dest = os.path.join(conf, name)
            with open(dest, "w", encoding="utf-8") as out:
                out.write("".join(l + "\n" for l in lines))
            os.chmod(dest, 0o644)
        return conf

    def run(self, args, config_dir=None, check=True):
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": self.home,
            "WIRESHARK_PLUGIN_DIR": self.plugins,
            "LC_ALL": "C.UTF-8",
        }
        if config_dir:
            env["WIRESHARK_CONFIG_DIR"] = config_dir
        prefix = []
        if os.getuid() == 0:
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        proc = subprocess.run(prefix + ["tshark"] + args, env=env, capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise RuntimeError("tshark %s failed (%d): %s" % (" ".join(args), proc.returncode, proc.stderr))
        return proc

    def fields(self, pcap, fields, extra=(), config_dir=None):
        """Rows of -T fields output, one list of strings per frame."""
        args = ["-r", pcap, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
        for f in fields:
            args += ["-e", f]
        out = self.run(list(extra) + args, config_dir=config_dir).stdout
        return [line.split("\t") for line in out.splitlines()]

    def info_column(self, pcap, extra=(), config_dir=None):
        """{frame number: Info column} as tshark's summary line prints it.  The summary
        is read rather than the _ws.col.Info field: from Wireshark 4.4 on, -T fields
        takes that field's value before post-dissectors append to the column."""
        fmt = 'gui.column.format:"No.","%m","Info","%i"'
        out = self.run(list(extra) + ["-r", pcap, "-o", fmt], config_dir=config_dir).stdout
        info = {}
        for line in out.splitlines():
            num, _, text = line.strip().partition(" ")
            if num.isdigit():
                info[int(num)] = text.strip()
        return info
