"""What the generators (tools/capi_ops.py, tools/capi_keras.py) share: reading and writing their
outputs, the --check comparison, replacing the generated region of a hand-written file, and
wrapping long C declarations.

A generator builds `{path relative to root: text}` and hands it to `write_outputs` (rewrite
what changed) or `stale_outputs` (name what differs from the tree, for --check).
"""
import os


def read(root, path):
    """The text of `path` under `root`, or None when there is no such file."""
    full = os.path.join(root, path)
    if not os.path.exists(full):
        return None
    with open(full) as f:
        return f.read()


def write_outputs(root, outputs):
    """Writes each {path: text} whose file differs; returns the paths written."""
    written = []
    for path, text in outputs.items():
        if read(root, path) != text:
            with open(os.path.join(root, path), "w") as f:
                f.write(text)
            written.append(path)
    return written


def stale_outputs(root, outputs):
    """The paths among {path: text} whose file is missing or differs (what --check reports)."""
    return [path for path, text in outputs.items() if read(root, path) != text]


def replace_region(current, begin, end, lines):
    """`current` with the text between the marker lines `begin` and `end` replaced by `lines`."""
    i, j = current.index(begin), current.index(end)
    return current[:i + len(begin)] + "\n" + "\n".join(lines) + "\n" + current[j:]


def wrap(sig, width=100):
    """A C declaration wrapped at commas to `width` columns (continuations indented 4)."""
    if len(sig) <= width:
        return [sig]
    lines, cur = [], ""
    for part in sig.split(", "):
        piece = part if not cur else cur + ", " + part
        if len(piece) > width - 4 and cur:
            lines.append(cur + ",")
            cur = "    " + part
        else:
            cur = piece
    return lines + [cur]
