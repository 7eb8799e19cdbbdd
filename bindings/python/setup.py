"""Builds swiftkeras: the Swift library (swift build), then the C extension linked to it.

`pip install ./bindings/python` (or `pip install swiftkeras-X.tar.gz`, the sdist) runs
`swift build -c release --product swiftkeras` on the SwiftKeras sources (the repository root, or
the copy of them the sdist carries in `core/`), copies libswiftkeras.so into the package and
links swiftkeras._native to it with rpath $ORIGIN (the copy is named by its SONAME,
libswiftkeras.so.MAJOR), so the installed package is self-contained.
Set SWIFT=/path/to/swift if swift is not on PATH; set SWIFTKERAS_LIB=/path/to/libswiftkeras.so
to use an already built library.

On CPython >= 3.11 the extension is built against the stable ABI (Py_LIMITED_API 3.11): the
module is `_native.abi3.so` and the wheel is tagged `cp311-abi3`, one wheel for every CPython from
3.11 on. 3.11 and not older: the buffer protocol (memoryview(tensor), zero-copy numpy) entered
the stable ABI in 3.11, and 3.9 and 3.10 are past their end of life. Those build the extension
against their own full API from the sdist (a version-specific module, same sources).
"""
import glob
import os
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
# the sources: the repository (a checkout) or the sdist's copy of them (core/)
ROOT = os.path.join(HERE, "core") if os.path.exists(os.path.join(HERE, "core", "Package.swift")) \
    else os.path.dirname(os.path.dirname(HERE))


def _core_paths(root):
    """What of the repository the sdist carries to build the library: the package manifest and
    every file or folder it names (its targets' paths, linker scripts...), the header, the
    license."""
    with open(os.path.join(root, "Package.swift"), encoding="utf-8") as f:
        literals = re.findall(r'"((?:[^"\\]|\\.)*)"', f.read())
    pieces = {piece.replace("\\(Context.packageDirectory)/", "") for lit in literals for piece in re.split(r"[=,]", lit)}
    named = {piece for piece in pieces
             if piece and not piece.startswith("-") and os.path.exists(os.path.join(root, piece))}
    return sorted({"Package.swift", "include", "LICENSE"} | named)


LIMITED_API = sys.version_info >= (3, 11)


def _soname():
    """The library's SONAME, the name the extension records: libswiftkeras.so.SK_VERSION_MAJOR."""
    with open(os.path.join(ROOT, "include", "swiftkeras", "base.h"), encoding="utf-8") as f:
        return "libswiftkeras.so." + re.search(r"#define SK_VERSION_MAJOR\s+(\d+)", f.read()).group(1)


def _swift():
    return os.environ.get("SWIFT") or shutil.which("swift") or "/opt/swift/usr/bin/swift"


class BuildWithSwift(build_ext):
    def run(self):
        lib = os.environ.get("SWIFTKERAS_LIB")
        if not lib:
            if not os.path.exists(os.path.join(ROOT, "Package.swift")):
                raise RuntimeError("swiftkeras: the SwiftKeras source tree (Package.swift) was not found at "
                                   f"{ROOT}; set SWIFTKERAS_LIB to a built libswiftkeras.so")
            subprocess.check_call([_swift(), "build", "-c", "release", "--product", "swiftkeras"], cwd=ROOT)
            lib = os.path.join(ROOT, ".build", "release", "libswiftkeras.so")
        gen = os.path.join(ROOT, "tools", "capi_ops.py")
        if os.path.exists(gen):   # a checkout: the generated wrappers are current (the sdist carries them)
            subprocess.check_call([sys.executable, gen, "--python-only"], cwd=ROOT)
        libdir = os.path.join(self.build_temp, "swiftkeras-lib")
        os.makedirs(libdir, exist_ok=True)
        shutil.copy2(lib, os.path.join(libdir, "libswiftkeras.so"))
        for ext in self.extensions:
            ext.library_dirs.append(libdir)
        super().run()
        # the library goes next to the extension (rpath $ORIGIN), under its SONAME: the name the
        # extension records (see Package.swift)
        for ext in self.extensions:
            dest = os.path.dirname(self.get_ext_fullpath(ext.name))
            os.makedirs(dest, exist_ok=True)
            for stale in glob.glob(os.path.join(dest, "libswiftkeras.so*")):   # an earlier build's
                os.remove(stale)
            shutil.copy2(lib, os.path.join(dest, _soname()))
        # the type stubs of the built package (generated from it, like the extension)
        if not self.inplace:
            subprocess.check_call([sys.executable, os.path.join(HERE, "make_stubs.py"), os.path.abspath(self.build_lib)])


class SdistWithCore(sdist):
    """The sdist carries the SwiftKeras sources it builds the library from (core/)."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        if ROOT == os.path.join(HERE, "core"):
            src = ROOT   # an sdist made from an unpacked sdist
        else:
            src = os.path.dirname(os.path.dirname(HERE))
        for rel in _core_paths(src):
            a, b = os.path.join(src, rel), os.path.join(base_dir, "core", rel)
            if os.path.isdir(a):
                shutil.copytree(a, b, ignore=shutil.ignore_patterns(".build*", "__pycache__"))
            elif os.path.exists(a):
                os.makedirs(os.path.dirname(b), exist_ok=True)
                shutil.copy2(a, b)
            else:
                raise RuntimeError(f"swiftkeras sdist: {a} is missing")


cmdclass = {"build_ext": BuildWithSwift, "sdist": SdistWithCore}
try:
    try:
        from setuptools.command.bdist_wheel import bdist_wheel   # setuptools >= 70.1
    except ImportError:
        from wheel.bdist_wheel import bdist_wheel

    class BdistWheel(bdist_wheel):
        def finalize_options(self):
            super().finalize_options()
            if LIMITED_API:
                self.py_limited_api = "cp311"

    cmdclass["bdist_wheel"] = BdistWheel
except ImportError:   # pip brings wheel (or a setuptools that has it) when it builds a wheel
    pass

setup(
    ext_modules=[Extension(
        "swiftkeras._native",
        sources=sorted(os.path.relpath(p, HERE) for p in glob.glob(os.path.join(HERE, "src", "*.c"))),
        depends=sorted(glob.glob(os.path.join(HERE, "src", "*.h")) + glob.glob(os.path.join(HERE, "src", "*.inc"))),
        include_dirs=[os.path.join(ROOT, "include")],
        libraries=["swiftkeras"],
        define_macros=[("Py_LIMITED_API", "0x030B0000")] if LIMITED_API else [],
        py_limited_api=LIMITED_API,
        extra_compile_args=["-std=c11", "-O2"],
        extra_link_args=["-Wl,-rpath,$ORIGIN"],
    )],
    cmdclass=cmdclass,
)
