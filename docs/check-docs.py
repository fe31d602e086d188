#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-docs.py: the documentation's relative links and anchors resolve, and
docs/ikediag-scan.md lists the same options as the manual page docs/ikediag-scan.1.

Checks every Markdown file of the repository outside build folders: each relative link
[text](path) or [text](path#anchor) must name an existing file, and an anchor must be a
heading of that file (GitHub's slugs).  Links to http(s) and mailto are not followed.
Exit 1 with one line per problem.  docs/make-tutorial.sh runs it.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP = re.compile(r"^(build|\.git|build-\w+|\.ci)(/|$)")
LINK = re.compile(r"(?<!\!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors(path):
    out, fence = set(), False
    seen = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                fence = not fence
            m = None if fence else re.match(r"^#{1,6} (.*)$", line.rstrip("\n"))
            if m:
                base = slug(m.group(1))
                n = seen.get(base, 0)
                seen[base] = n + 1
                out.add(base if n == 0 else "%s-%d" % (base, n))
    return out


def markdown_files():
    for top, dirs, files in os.walk(ROOT):
        rel = os.path.relpath(top, ROOT)
        dirs[:] = [d for d in dirs if not SKIP.match(os.path.normpath(os.path.join(rel, d)))]
        for name in files:
            # README-docs.md is text for the top-level README: its links are relative to the
            # top folder, and they are checked there, in README.md.
            if name.endswith(".md") and os.path.relpath(os.path.join(top, name), ROOT) != "docs/README-docs.md":
                yield os.path.join(top, name)


def check_links(problems):
    for path in sorted(markdown_files()):
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"```.*?```", "", text, flags=re.S)      # no links inside code blocks
        text = re.sub(r"`[^`\n]*`", "", text)
        for m in LINK.finditer(text):
            target = m.group(1) or m.group(2)
            if re.match(r"^[a-z]+:", target):
                continue
            file_part, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            where = os.path.relpath(path, ROOT)
            if not os.path.exists(dest):
                problems.append("%s: link to %s: no such file" % (where, target))
            elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
                problems.append("%s: link to %s: no heading with that anchor" % (where, target))


def check_scan_options(problems):
    man = open(os.path.join(ROOT, "docs", "ikediag-scan.1"), encoding="utf-8").read()
    section = man.split(".SH OPTIONS", 1)[1].split(".SH ", 1)[0]
    man_opts = set()
    for m in re.finditer(r"^\.TP\n(.*)$", section, re.M):
        man_opts.update(o.replace("\\-", "-") for o in re.findall(r"\\-\\?-?[a-z][a-z\\-]*", m.group(1)))
    md = open(os.path.join(ROOT, "docs", "ikediag-scan.md"), encoding="utf-8").read()
    table = md.split("## Options", 1)[1].split("\n## ", 1)[0]
    md_opts = set()
    for row in table.splitlines():
        if row.startswith("| `"):
            md_opts.update(re.findall(r"`(--?[a-z][a-z-]*)", row.split(" | ")[0]))
    if len(man_opts) < 10:
        problems.append("docs/ikediag-scan.1: found only %d options; has its OPTIONS section changed form?" % len(man_opts))
    for opt in sorted(man_opts - md_opts):
        problems.append("docs/ikediag-scan.md: option %s of the manual page is missing" % opt)
    for opt in sorted(md_opts - man_opts):
        problems.append("docs/ikediag-scan.md: option %s is not in the manual page" % opt)


def main():
    problems = []
    check_links(problems)
    check_scan_options(problems)
    for p in problems:
        print("check-docs: " + p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print("check-docs: links, anchors and ikediag-scan options are consistent")


if __name__ == "__main__":
    main()
