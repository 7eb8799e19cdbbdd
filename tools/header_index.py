#!/usr/bin/env python3
"""Writes the index of include/swiftkeras.h: every function of the C API by the part of the
header that declares it, so a reader (or a tool) of the umbrella header sees the whole API.

    python3 tools/header_index.py           # rewrite the index region of include/swiftkeras.h
    python3 tools/header_index.py --check   # exit 1 if the index is not what the parts declare
"""
import os
import re
import sys

import codegen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UMBRELLA = "include/swiftkeras.h"
BEGIN = "/* BEGIN FUNCTION INDEX (tools/header_index.py)"
END = "   END FUNCTION INDEX */"


def index_lines(umbrella):
    """One block per included part: its file name, then its functions as `sk_name()`, wrapped."""
    lines = []
    for part in re.findall(r'^#include "(swiftkeras/[a-z_]+\.h)"', umbrella, re.M):
        text = codegen.read(os.path.join(ROOT, "include"), part)
        # declarations only: a line that is not a comment, naming the function before its "("
        names = sorted(set(re.findall(r"^(?![ \t]*(?:/\*|\*))[^\n(]*?\b(sk_[a-z0-9_]+)\s*\(", text, re.M)))
        if not names:
            continue
        lines.append(f" * {part}:")
        cur = " *  "
        for n in names:
            piece = f" {n}()"
            if len(cur) + len(piece) > 100:
                lines.append(cur)
                cur = " *  "
            cur += piece
        lines.append(cur)
    return lines


def main():
    current = codegen.read(ROOT, UMBRELLA)
    text = codegen.replace_region(current, BEGIN, END, index_lines(current))
    outputs = {UMBRELLA: text}
    if "--check" in sys.argv:
        stale = codegen.stale_outputs(ROOT, outputs)
        if stale:
            print("stale: " + ", ".join(stale) + " (run python3 tools/header_index.py)")
            sys.exit(1)
        return
    codegen.write_outputs(ROOT, outputs)


if __name__ == "__main__":
    main()
