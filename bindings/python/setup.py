"""Builds swiftkeras: the Swift library (swift build), then the C extension linked to it.

`pip install ./bindings/python` runs `swift build -c release --product swiftkeras` at the
repository root, copies libswiftkeras.so into the package and links swiftkeras._native to it with
rpath $ORIGIN, so the installed package is self-contained. Set SWIFT=/path/to/swift if swift is
not on PATH; set SWIFTKERAS_LIB=/path/to/libswiftkeras.so to use an already built library.
"""
import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


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
        if os.path.exists(gen):
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
            shutil.copy2(lib, os.path.join(dest, "libswiftkeras.so.0"))


setup(
    ext_modules=[Extension(
        "swiftkeras._native",
        sources=sorted(os.path.relpath(p, HERE) for p in glob.glob(os.path.join(HERE, "src", "*.c"))),
        depends=sorted(glob.glob(os.path.join(HERE, "src", "*.h")) + glob.glob(os.path.join(HERE, "src", "*.inc")))
        + [os.path.join(ROOT, "include", "swiftkeras.h")],
        include_dirs=[os.path.join(ROOT, "include")],
        libraries=["swiftkeras"],
        extra_compile_args=["-std=c11", "-O2"],
        extra_link_args=["-Wl,-rpath,$ORIGIN"],
    )],
    cmdclass={"build_ext": BuildWithSwift},
)
