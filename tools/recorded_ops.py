#!/usr/bin/env python3
"""Finds every op name the Swift core passes to the tape (`record(...)`), by reading the sources.

An op name reaches `record` as a string literal, as a local `let op: StaticString = ...`, as the
`name` of the ArithmeticOp/ComparisonOp enums (`op.name`), or through an `op` parameter of the
enclosing function, in which case the names are those its callers pass (followed transitively).
`recorded_ops()` returns {name: set of "file:line" of the record calls}; tools/capi_ops.py --check
compares the set with the op table so an op cannot be declared in one place only.
"""
import os, re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE = os.path.join(ROOT, "Sources", "SwiftKerasCore")
LIT = re.compile(r'"([A-Za-z0-9_]+)"')
FUNC = re.compile(r'\b(?:func|init)\s*(\w*)\s*(?:<[^>]*>)?\(')


def _sources():
    out = {}
    for d, _, fs in os.walk(CORE):
        for f in sorted(fs):
            if f.endswith(".swift"):
                p = os.path.join(d, f)
                out[os.path.relpath(p, ROOT)] = open(p).read()
    return out


def _code_chars(text, start):
    """(index, character) from start on, skipping the insides of string literals."""
    i, in_str = start, False
    while 0 <= i < len(text):
        c = text[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        else:
            yield i, c
        i += 1


def _call_args(text, open_paren):
    """The top-level arguments of the call whose '(' is at open_paren."""
    depth, start, args = 0, open_paren + 1, []
    for i, c in _code_chars(text, open_paren):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append(text[start:i].strip())
                return args
        elif c == "," and depth == 1:
            args.append(text[start:i].strip())
            start = i + 1
    return args


def _body_end(text, start):
    """The index just past the brace-balanced body that opens after start."""
    depth = 0
    for i, c in _code_chars(text, text.find("{", start)):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _enclosing_function(text, pos):
    """(name, op parameter style, body start) of the innermost func/init whose body holds pos."""
    best = None
    for m in FUNC.finditer(text, 0, pos):
        if _body_end(text, m.end()) > pos:
            best = m
    if best is None:
        return None, None, 0
    name = best.group(1) or "init"
    params = _call_args(text, best.end() - 1)
    style = None
    for k, p in enumerate(params):
        if re.match(r'_\s+op\s*:\s*StaticString', p) and k == 0:
            style = "first"
        elif re.match(r'op\s*:\s*StaticString', p):
            style = "label"
    return name, style, best.start()


class _Flow:
    def __init__(self, sources=None):
        self.src = _sources() if sources is None else sources
        self.enum_names = set()
        for t in self.src.values():
            for m in re.finditer(r'var name: StaticString \{(.*?)\n    \}', t, re.S):
                self.enum_names |= set(LIT.findall(m.group(1)))
        self.memo = {}

    def _names_of_expr(self, text, pos, expr, seen):
        lits = LIT.findall(expr)
        if lits:
            return set(lits)
        if expr.endswith(".name"):
            return set(self.enum_names)
        if expr == "op":
            fname, style, fstart = _enclosing_function(text, pos)
            body = text[fstart:pos]
            local = re.findall(r'let op: StaticString = ([^\n]*)', body)
            if local:
                return set(LIT.findall(local[-1]))
            if style and fname:
                return self.callers(fname, style, seen)
        raise SystemExit(f"recorded_ops: cannot follow the op name `{expr}` (line {text.count(chr(10), 0, pos) + 1} of {text[:80]!r}...)")

    def callers(self, fname, style, seen):
        key = (fname, style)
        if key in self.memo:
            return self.memo[key]
        if key in seen:
            return set()
        seen = seen | {key}
        names = set()
        pat = re.compile(r'(?<!\w)' + re.escape(fname) + r'\(' if fname != "init"
                         else r'\b(?:[A-Z]\w*)\(')
        for t in self.src.values():
            for m in pat.finditer(t):
                head = t[max(0, m.start() - 30):m.start()]
                if re.search(r'func\s+$', head):
                    continue
                args = _call_args(t, m.end() - 1)
                expr = None
                if style == "first" and args:
                    expr = args[0]
                elif style == "label":
                    for a in args:
                        if a.startswith("op:"):
                            expr = a[3:].strip()
                if not expr or not (LIT.search(expr) or expr == "op" or expr.endswith(".name")):
                    continue
                names |= self._names_of_expr(t, m.start(), expr, seen)
        self.memo[key] = names
        return names

    def recorded(self):
        out = {}
        for path, t in self.src.items():
            for m in re.finditer(r'(?<![\w.])record\(', t):
                if re.search(r'func\s+$', t[max(0, m.start() - 10):m.start()]):
                    continue
                args = _call_args(t, m.end() - 1)
                if not args or not args[0]:
                    continue
                line = t.count("\n", 0, m.start()) + 1
                for n in self._names_of_expr(t, m.start(), args[0], frozenset()):
                    out.setdefault(n, set()).add(f"{path}:{line}")
        return out


def recorded_ops(sources=None):
    """{op name: {"file:line" of its record calls}} over Sources/SwiftKerasCore, or over
    `sources` ({path: Swift text}) when given."""
    return _Flow(sources).recorded()


if __name__ == "__main__":
    for n, where in sorted(recorded_ops().items()):
        print(n, " ".join(sorted(where)[:2]))
