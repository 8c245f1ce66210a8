# SPDX-License-Identifier: MIT
"""check_links.py ROOT [FILE.md ...] -- every relative link of README.md and
docs/*.md (or of the files named, relative to ROOT) leads somewhere: to a file
or directory of the repository, and, for a ``#fragment`` into a Markdown
file, to one of its headings (GitHub's anchors) or ``<a id>``/``<a name>``.

Links to other sites (``https:``, ``mailto:``) are not followed. Code (fenced
and indented blocks, inline spans) and HTML comments are not Markdown links
and are skipped. Prints each broken link as FILE:LINE and exits 1 if there
is one, or if no link was found at all (the check would prove nothing).
"""

from __future__ import annotations

import os
import re
import sys
from typing import Dict, Iterator, List, Set, Tuple

INLINE = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
HTML_ANCHOR = re.compile(r"<a\s[^>]*\b(?:id|name)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
FENCE = re.compile(r"^ {0,3}(```+|~~~+)")
GITHUB_LINE = re.compile(r"^L\d+(-L\d+)?$")


def prose_lines(text: str, keep_code_spans: bool = False) -> Iterator[Tuple[int, str]]:
    """(line number, text) of the lines that are Markdown prose: without
    fenced or indented code blocks, inline code spans (unless
    keep_code_spans: a heading's anchor has their text) or HTML comments."""
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.DOTALL)
    fence = None
    blank_before = True
    in_list = False
    for number, line in enumerate(text.split("\n"), 1):
        opening = FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if not line.strip():
            blank_before = True
            continue
        if re.match(r"^ {0,3}([-*+]|\d+[.)])\s", line):
            in_list = True
        elif not line.startswith(" "):
            in_list = False
        # An indented block after a blank line is code, unless it continues a list item.
        if line.startswith(("    ", "\t")) and blank_before and not in_list:
            continue
        blank_before = False
        yield number, line if keep_code_spans else re.sub(r"(`+).*?\1", "", line)


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: its text, lower case, without
    punctuation but hyphens and underscores, spaces as hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: str, cache: Dict[str, Set[str]]) -> Set[str]:
    if path not in cache:
        found: Set[str] = set()
        seen: Dict[str, int] = {}
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for _, line in prose_lines(text, keep_code_spans=True):
            m = HEADING.match(line)
            if m:
                base = slug(m.group(2))
                n = seen.get(base, 0)
                seen[base] = n + 1
                found.add(base if n == 0 else "%s-%d" % (base, n))
        found.update(HTML_ANCHOR.findall(text))
        cache[path] = found
    return cache[path]


def links(path: str) -> Iterator[Tuple[int, str]]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for number, line in prose_lines(text):
        for m in INLINE.finditer(line):
            yield number, m.group(1)
        m = REFERENCE.match(line)
        if m:
            yield number, m.group(1)


def check(root: str, files: List[str]) -> Tuple[int, List[str]]:
    root = os.path.realpath(root)
    cache: Dict[str, Set[str]] = {}
    checked = 0
    broken: List[str] = []
    for name in files:
        source = os.path.join(root, name)
        for number, target in links(source):
            if SCHEME.match(target):
                continue
            checked += 1
            where = "%s:%d: %s" % (name, number, target)
            path, _, fragment = target.partition("#")
            dest = os.path.realpath(os.path.join(os.path.dirname(source), path)) if path else source
            if os.path.commonpath([root, dest]) != root:
                broken.append("%s: outside the repository" % where)
            elif not os.path.exists(dest):
                broken.append("%s: no such file or directory" % where)
            elif fragment and dest.endswith(".md"):
                if fragment not in anchors(dest, cache):
                    broken.append("%s: no heading or anchor '%s' in %s" % (where, fragment, os.path.relpath(dest, root)))
            elif fragment and not GITHUB_LINE.match(fragment):
                broken.append("%s: '#%s' points into a file that is not Markdown" % (where, fragment))
    return checked, broken


def main(argv: List[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[0])
        return 2
    root = argv[0]
    files = argv[1:]
    if not files:
        docs = os.path.join(root, "docs")
        files = ["README.md"]
        if os.path.isdir(docs):
            files += sorted(os.path.join("docs", f) for f in os.listdir(docs) if f.endswith(".md"))
    checked, broken = check(root, files)
    for line in broken:
        print(line)
    print("links: %d checked in %d files, %d broken" % (checked, len(files), len(broken)))
    return 1 if broken or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
