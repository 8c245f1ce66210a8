#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes mailslot(3), the C interface's manual page, from abi/mailslot.h.

    python3 docs/man/mailslot3.py abi/mailslot.h > docs/man/mailslot.3

The header is the reference manual (each function's comment says what it
promises); this page is that text in the form man(1) shows, so the two never
disagree. Each banner of the header ("Reader", "Names", ...) becomes a
section, each function and type a subsection with its prototype, and each
#define an entry with its value. The committed docs/man/mailslot.3 is this
script's output: the test lint_man3 fails when it is not (run the command
above after changing the header). The install adds a link page for each
function (man mailslot_create shows this page).

The header's comments are plain text with a few conventions, which are all
this reads: a line starting "- " is a bullet, a line indented by two or more
spaces is preformatted (the "Returns:" lists), a blank comment line ends a
paragraph. Nothing else of C is parsed: a declaration is every line from
MAILSLOT_API or typedef to its ";".
"""

import re
import sys

# No date: the page is the same every time for the same header.
TITLE = '.TH MAILSLOT 3 "" "mailslot {version}" "Library Functions Manual"'
BANNER = re.compile(r"^/\* -{20,} \*/$")
DEFINE = re.compile(r"^#define (MAILSLOT_\w+) (\S.*?)\s*(?:/\* (.*) \*/)?$")
DECL_START = re.compile(r"^(MAILSLOT_API |typedef )")


def escape(text):
    """roff text: backslashes shown, no line taken for a request."""
    text = text.replace("\\", "\\e")
    if text[:1] in (".", "'"):
        text = "\\&" + text
    return text


def code(text):
    """Preformatted text: as escape(), and minus signs that stay minus signs."""
    return escape(text).replace("-", "\\-")


def comment_lines(block):
    """The text of one /* ... */ comment, one entry per line, its ' * ' gone."""
    lines = []
    for i, line in enumerate(block):
        line = line.rstrip()
        if i == 0:
            line = line[2:].lstrip() if line.startswith("/*") else line
        else:
            line = re.sub(r"^ ?\*(?!/) ?", "", line, count=1)
        if line.endswith("*/"):
            line = line[:-2].rstrip()
        lines.append(line)
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


def prose(lines):
    """roff for comment text: paragraphs, bullets, preformatted blocks."""
    out, mode = [], "text"  # text, bullet, code

    def indent_of(line):
        return len(line) - len(line.lstrip(" "))

    for n, line in enumerate(lines):
        indent = indent_of(line)
        body = line.strip()
        code_next = n + 1 < len(lines) and lines[n + 1].strip() and indent_of(lines[n + 1]) >= 2
        if mode == "code" and (not body or indent < 2):
            out += [".EE", ".RE"]
            mode = "text"
            if body:
                out.append(".PP")
        if not body:
            out.append(".PP")
            mode = "text"
        elif indent <= 1 and body.startswith("- "):
            out += [".IP \\(bu 2", escape(body[2:])]
            mode = "bullet"
        elif mode == "bullet" and indent >= 1:
            out.append(escape(body))
        elif indent >= 2:
            if mode != "code":
                out += [".RS 2", ".EX"]
                mode = "code"
            out.append(code(line[2:]))
        else:
            if mode == "bullet":
                out.append(".PP")
            elif body.startswith("On Windows:") and out and out[-1] != ".PP":
                out.append(".PP")  # what differs on Windows, apart
            elif body.endswith(":") and code_next and out and out[-1] != ".PP":
                out.append(".br")  # "Returns:" on a line of its own
            out.append(escape(body))
            mode = "text"
    if mode == "code":
        out += [".EE", ".RE"]
    return out


def wrap_declaration(decl, width=78):
    """A long prototype broken after commas, its lines aligned on the "("."""
    if len(decl) <= width:
        return [decl]
    head, _, rest = decl.partition("(")
    pad = " " * (len(head) + 1)
    lines, line = [], head + "("
    for part in re.split(r"(?<=,) ", rest):
        if len(line) + len(part) + 1 > width and line.strip() != head + "(":
            lines.append(line.rstrip())
            line = pad
        line += part + " "
    lines.append(line.rstrip())
    return lines


def declaration_name(decl):
    """mailslot_open of a prototype, mailslot_log_fn of a typedef."""
    m = re.search(r"\*\s*(\w+)\)\s*\(", decl) or re.search(r"(\w+)\s*\(", decl)
    return m.group(1)


def parse(text):
    """The header as (kind, ...) items: ('intro', lines), ('section', title),
    ('para', lines), ('define', name, value, lines), ('decl', name, decl, lines)."""
    src = text.splitlines()
    items, i, pending = [], 0, None
    # The file's first comment after the SPDX line: its conventions.
    while src[i] != "/*":
        i += 1
    start = i
    while not src[i].rstrip().endswith("*/"):
        i += 1
    intro = comment_lines(src[start:i + 1])
    items.append(("intro", intro[1:] if intro and "--" in intro[0] else intro))
    i += 1
    while i < len(src) and not BANNER.match(src[i]):
        i += 1
    while i < len(src):
        line = src[i]
        if BANNER.match(line):
            title = comment_lines([src[i + 1]])[0].strip()
            flush(items, pending)
            pending = None
            items.append(("section", title))
            i += 3
            continue
        if line.startswith("/*"):
            flush(items, pending)
            start = i
            while not src[i].rstrip().endswith("*/"):
                i += 1
            pending = comment_lines(src[start:i + 1])
        elif DECL_START.match(line):
            start = i
            while not src[i].rstrip().endswith(";"):
                i += 1
            decl = " ".join(s.strip() for s in src[start:i + 1])
            decl = re.sub(r"\s*\b(MAILSLOT_API|MAILSLOT_CALL)\b\s*", " ", decl).strip()
            decl = re.sub(r"\(\s+", "(", re.sub(r"\s+", " ", decl))
            items.append(("decl", declaration_name(decl), decl, pending or []))
            pending = None
        elif DEFINE.match(line):
            name, value, trailing = DEFINE.match(line).groups()
            if trailing:
                # A comment above a define that has its own speaks of the
                # group that follows ("Timeouts, in milliseconds.").
                flush(items, pending)
                pending = [trailing]
            items.append(("define", name, value, pending or []))
            pending = None
        elif line.startswith("#ifdef __cplusplus"):
            break
        elif line.startswith("#"):
            pass  # the Windows #undef guards: their comment stays a paragraph
        elif not line.strip():
            flush(items, pending)
            pending = None
        i += 1
    flush(items, pending)
    return items


def flush(items, pending):
    if pending:
        items.append(("para", pending))


def version(text):
    parts = [re.search(r"#define MAILSLOT_VERSION_%s (\d+)" % p, text).group(1)
             for p in ("MAJOR", "MINOR")]
    return ".".join(parts)


def page(text):
    items = parse(text)
    decls = [item[1] for item in items if item[0] == "decl"]
    out = [
        '.\\" SPDX-License-Identifier: MIT',
        '.\\" mailslot.3 -- written by docs/man/mailslot3.py from abi/mailslot.h; do not edit.',
        TITLE.format(version=version(text)),
        ".SH NAME",
        ", ".join(decls) + " \\- the C interface of libmailslot",
        ".SH SYNOPSIS",
        ".nf",
        ".B #include <mailslot.h>",
        ".fi",
        ".PP",
        "Link with",
        ".B \\-lmailslot",
        '.RB ( "pkg\\-config \\-\\-cflags \\-\\-libs mailslot" ,',
        "or the CMake package:",
        '.BR "find_package(mailslot CONFIG)" ,',
        ".BR mailslot::mailslot ).",
        ".SH DESCRIPTION",
    ]
    for item in items:
        kind = item[0]
        if kind == "intro":
            out += prose(item[1])
        elif kind == "section":
            out.append(".SH " + escape(item[1].upper()))
        elif kind == "para":
            out += [".PP"] + prose(item[1])
        elif kind == "define":
            _, name, value, lines = item
            out += [".TP", ".BR %s \" %s\"" % (name, code(value))] + (prose(lines) or ["."])
        elif kind == "decl":
            _, name, decl, lines = item
            out += [".SS " + name, ".EX"] + [code(d) for d in wrap_declaration(decl)] + [".EE", ".PP"]
            out += prose(lines)
    out += [
        ".SH SEE ALSO",
        ".BR mailslot (1),",
        ".BR mailslot (7)",
    ]
    # A paragraph request right before another one, or before a heading, adds nothing.
    tidy = []
    for line in out:
        if line == ".PP" or line.startswith((".SH ", ".SS ", ".TP", ".IP")):
            while tidy and tidy[-1] == ".PP":
                tidy.pop()
        tidy.append(line)
    return "\n".join(tidy) + "\n"


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: mailslot3.py HEADER > mailslot.3")
    with open(argv[1], encoding="utf-8") as f:
        sys.stdout.write(page(f.read()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
