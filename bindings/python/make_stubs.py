#!/usr/bin/env python3
"""Writes the type stubs (.pyi) of the swiftkeras Python package's public modules from the
package itself, so they always name what it exports, with its signatures. They are build output,
like the extension: `make python` writes them next to the modules, setup.py into the wheel.

The top-level module's stub (swiftkeras/__init__.pyi: Tensor, Variable, DType, TensorShape,
GradientTape and the tf.* functions, with their types) is written by hand; this tool writes one
for every other public module (swiftkeras.keras and its submodules, swiftkeras.random,
swiftkeras.experimental...): its classes (bases, constructor and public methods and properties,
Keras' signatures), functions and values, the arguments and results typed Any unless they are
tensors by name.

Usage: python3 make_stubs.py [PACKAGE_PARENT]: imports swiftkeras from PACKAGE_PARENT (default:
this folder, the package in place) and writes the stubs there.
"""
import enum
import importlib
import inspect
import os
import pkgutil
import sys
import types

PKG_DIR = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
HAND_WRITTEN = {"swiftkeras"}
# the methods a class stub lists besides its public ones
DUNDERS = ("__init__", "__call__", "__enter__", "__exit__", "__iter__", "__len__", "__getitem__",
           "__contains__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__")


def _public_modules():
    import swiftkeras
    names = []
    for info in pkgutil.walk_packages(swiftkeras.__path__, "swiftkeras."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]) or info.name == "swiftkeras.libswiftkeras":
            continue
        names.append(info.name)
    return sorted(names)


def _exported(mod):
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in vars(mod) if not n.startswith("_")]
    return list(dict.fromkeys(names))


def _public_home(obj):
    """The public module a class or function is best imported from, with the name it has there."""
    mod = getattr(obj, "__module__", "") or ""
    name = getattr(obj, "__name__", None)
    if mod.startswith("swiftkeras") and not any(p.startswith("_") for p in mod.split(".")[1:]):
        return mod, name
    # defined in a private module: the public module that re-exports it
    for pub in ("swiftkeras",) + tuple(_public_modules()):
        m = importlib.import_module(pub)
        for n in _exported(m):
            if getattr(m, n, None) is obj:
                return pub, n
    return None, name


def _param(p, annotate=True):
    t = ": Any" if annotate else ""
    if p.kind == p.VAR_POSITIONAL:
        return f"*{p.name}{t}"
    if p.kind == p.VAR_KEYWORD:
        return f"**{p.name}{t}"
    return f"{p.name}{t}" + (" = ..." if p.default is not p.empty else "")


def _signature(fn, method):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return ("self, " if method else "") + "*args: Any, **kwargs: Any"
    params = list(sig.parameters.values())
    out = []
    if method:
        if params and params[0].name in ("self", "cls"):
            params = params[1:]
        out.append("self")
    kinds = [p.kind for p in params]
    star_done = False
    for i, p in enumerate(params):
        if p.kind == p.KEYWORD_ONLY and not star_done and inspect.Parameter.VAR_POSITIONAL not in kinds:
            out.append("*")
            star_done = True
        out.append(_param(p))
        if p.kind == p.POSITIONAL_ONLY and (i + 1 == len(params) or params[i + 1].kind != p.POSITIONAL_ONLY):
            out.append("/")
    return ", ".join(out)


class _Writer:
    def __init__(self, modname):
        self.modname = modname
        self.imports = {"from typing import Any"}
        self.lines = []
        self.private = {}   # private base classes of this module the stub must define too

    def ref(self, obj):
        """How the stub names a class (importing what it needs)."""
        if obj is object:
            return None
        if obj.__module__ == "builtins":
            return obj.__name__
        if obj is enum.Enum:
            self.imports.add("import enum")
            return "enum.Enum"
        home, name = _public_home(obj)
        if home is None:
            return None
        if home == self.modname:
            if name.startswith("_"):
                self.private.setdefault(name, obj)
            return name
        self.imports.add(f"import {home}")
        return f"{home}.{name}"

    def function(self, name, fn, indent="", method=False):
        self.lines.append(f"{indent}def {name}({_signature(fn, method)}) -> Any: ...")

    def base_refs(self, cls, name):
        """The stub's bases of `cls` (defined as `name`): a base the stub cannot name — one
        shadowed by the class itself (layers.Activation over the core's Activation) or a private
        class of another module — is replaced by its own bases."""
        out = []
        for b in cls.__bases__:
            r = self.ref(b)
            if r == name or (r and "._" in r):
                out.extend(r2 for r2 in self.base_refs(b, name) if r2 not in out)
            elif r and r not in out:
                out.append(r)
        return out

    def klass(self, name, cls):
        bases = self.base_refs(cls, name)
        self.lines.append(f"class {name}({', '.join(bases)}):" if bases else f"class {name}:")
        body = []
        members = vars(cls)
        if "__init__" not in members and "__signature__" not in members and cls.__init__ is not object.__init__:
            pass   # inherits its constructor
        for n, v in members.items():
            if n.startswith("_") and n not in DUNDERS:
                continue
            if isinstance(cls, enum.EnumMeta) and not callable(v) and not isinstance(v, (property, staticmethod, classmethod)):
                if n in cls.__members__:
                    body.append(f"    {n} = ...")
                    continue
            if isinstance(v, property):
                body.append("    @property")
                body.append(f"    def {n}(self) -> Any: ...")
                if v.fset is not None:
                    body.append(f"    @{n}.setter")
                    body.append(f"    def {n}(self, value: Any) -> None: ...")
            elif isinstance(v, staticmethod):
                body.append("    @staticmethod")
                body.append(f"    def {n}({_signature(v.__func__, False)}) -> Any: ...")
            elif isinstance(v, classmethod):
                body.append("    @classmethod")
                sig = _signature(v.__func__, True).replace("self", "cls", 1)
                body.append(f"    def {n}({sig}) -> Any: ...")
            elif inspect.isfunction(v):
                if n == "__init__":
                    body.append(f"    def __init__({_signature(getattr(v, '__signature__', None) and v or v, True)}) -> None: ...")
                else:
                    body.append(f"    def {n}({_signature(v, True)}) -> Any: ...")
            elif not callable(v) and not n.startswith("_"):
                body.append(f"    {n}: Any")
        self.lines.extend(body or ["    ..."])

    def text(self):
        done = set()
        while set(self.private) - done:
            for name in sorted(set(self.private) - done):
                done.add(name)
                self.lines.append("")
                self.klass(name, self.private[name])
        head = [f'"""Stub of {self.modname} (generated by make_stubs.py)."""']
        return "\n".join(head + sorted(self.imports) + [""] + self.lines) + "\n"


def stub_for(modname):
    mod = importlib.import_module(modname)
    w = _Writer(modname)
    names = _exported(mod)
    if hasattr(mod, "__all__"):
        w.lines.append(f"__all__ = {sorted(set(mod.__all__))!r}")
    for n in names:
        if not hasattr(mod, n):   # loaded lazily (a submodule)
            w.lines.append(f"from {modname} import {n} as {n}")
            continue
        v = getattr(mod, n)
        w.lines.append("")
        if isinstance(v, types.ModuleType) and getattr(v, "__file__", None) is None:
            w.lines[-1] = f"{n}: Any   # a module made at import time (no file for mypy to read)"
        elif isinstance(v, types.ModuleType):
            parent, _, last = v.__name__.rpartition(".")
            w.imports.add(f"from {parent} import {last} as {n}" if parent else f"import {last} as {n}")
            w.lines.pop()
        elif inspect.isclass(v):
            home, hname = _public_home(v)
            if home == modname and hname == n:
                w.klass(n, v)
            elif home == modname:
                w.lines.append(f"{n} = {hname}")
            elif home is not None:
                w.imports.add(f"import {home}")
                w.lines.append(f"{n} = {home}.{hname}")
            else:
                w.klass(n, v)
        elif callable(v):
            w.function(n, v)
        else:
            w.lines.append(f"{n}: Any")
    return w.text()


def _path(modname):
    parts = modname.split(".")
    base = os.path.join(PKG_DIR, *parts)
    return os.path.join(base, "__init__.pyi") if os.path.isdir(base) else base + ".pyi"


def main():
    sys.path.insert(0, PKG_DIR)
    import swiftkeras
    if os.path.dirname(os.path.dirname(os.path.abspath(swiftkeras.__file__))) != PKG_DIR:
        sys.exit(f"make_stubs: imported swiftkeras from {swiftkeras.__file__}, not from {PKG_DIR}")
    n = 0
    for modname in _public_modules():
        if modname in HAND_WRITTEN:
            continue
        with open(_path(modname), "w") as f:
            f.write(stub_for(modname))
        n += 1
    print(f"make_stubs: {n} stubs in {PKG_DIR}")


if __name__ == "__main__":
    main()
