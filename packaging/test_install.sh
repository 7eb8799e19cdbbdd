#!/usr/bin/env bash
# The install test of `make test` (target test-install): installs the C library into a temporary
# DESTDIR (PREFIX=/opt/swiftkeras) and into a temporary PREFIX, and checks what a user gets —
# file names and links, SONAME, stripped size, exports, pkg-config, CMake's find_package, the
# static library, uninstall — then builds and runs the C, Go and Rust examples against the
# installed copy (Go and Rust when their toolchains are present).
# Prints "N passed, N failed" like the other suites.
set -u
MAKE=${MAKE:-make}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
expect() {  # expect "what" command...: one check
  local what=$1; shift
  if "$@" >"$tmp/out.txt" 2>&1; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL $what"; sed 's/^/  /' "$tmp/out.txt" | tail -n 20; fi
}
version=$(sed -n 's/^#define SK_VERSION_\(MAJOR\|MINOR\|PATCH\)  *\([0-9][0-9]*\).*/\2/p' include/swiftkeras/base.h | paste -sd. -)
major=${version%%.*}
CFLAGS="-std=c11 -O2 -Wall -Wextra -Werror -pedantic"

# ---- 1. a staged install: DESTDIR=$tmp/stage PREFIX=/opt/swiftkeras ----
expect "make install DESTDIR=... PREFIX=/opt/swiftkeras" $MAKE --no-print-directory install DESTDIR="$tmp/stage" PREFIX=/opt/swiftkeras
root=$tmp/stage/opt/swiftkeras
so=$root/lib/libswiftkeras.so.$version
expect "lib/libswiftkeras.so.$version installed" test -f "$so"
expect "lib/libswiftkeras.so.$major -> libswiftkeras.so.$version" test "$(readlink "$root/lib/libswiftkeras.so.$major")" = "libswiftkeras.so.$version"
expect "lib/libswiftkeras.so -> libswiftkeras.so.$major" test "$(readlink "$root/lib/libswiftkeras.so")" = "libswiftkeras.so.$major"
expect "SONAME libswiftkeras.so.$major" sh -c "readelf -d '$so' | grep -q 'Library soname: \[libswiftkeras.so.$major\]'"
expect "stripped (no .symtab, no debug info)" sh -c "! readelf -S '$so' | grep -qE '\.symtab|\.debug_'"
size=$(stat -c %s "$so")
echo "installed libswiftkeras.so.$version: $size bytes ($(awk "BEGIN{printf \"%.2f\", $size/1048576}") MiB), static libswiftkeras.a: $(stat -c %s "$root/lib/libswiftkeras.a") bytes"
expect "stripped library <= 10 MB (is $size bytes)" test "$size" -le 10485760
expect "no regex parser linked in (String.contains(String) pulls _StringProcessing: use containsText)" \
  sh -c "! nm .build/release/libswiftkeras.so | grep -q _RegexParser"
expect "only sk_* exported, every declaration exported" Tests/C/check_exports.sh "$so" "$root/include/swiftkeras.h $(ls "$root"/include/swiftkeras/*.h | tr '\n' ' ')"
expect "static library installed" test -f "$root/lib/libswiftkeras.a"
expect "headers installed" sh -c "cmp include/swiftkeras.h '$root/include/swiftkeras.h' && for h in include/swiftkeras/*.h; do cmp \"\$h\" '$root/include/swiftkeras/'\"\$(basename \$h)\" || exit 1; done"
expect "pc file names the final prefix" grep -qx 'prefix=/opt/swiftkeras' "$root/lib/pkgconfig/swiftkeras.pc"
expect "cffi declarations installed" test -f "$root/share/swiftkeras/swiftkeras_cffi.h"
if ${PYTHON:-python3} -c "import cffi" 2>/dev/null; then
  expect "cffi: the installed declarations and library work together" ${PYTHON:-python3} Tests/C/check_cffi.py "$so" "$root/share/swiftkeras/swiftkeras_cffi.h"
fi
# pkg-config through the staging root, as a packager's build would
pc() { PKG_CONFIG_SYSROOT_DIR="$tmp/stage" PKG_CONFIG_LIBDIR="$root/lib/pkgconfig" pkg-config "$@"; }
expect "pkg-config --modversion = $version" test "$(pc --modversion swiftkeras)" = "$version"
expect "demo.c builds with pkg-config (staged)" sh -c "gcc $CFLAGS examples/c/demo.c -o '$tmp/demo-staged' \$(PKG_CONFIG_SYSROOT_DIR='$tmp/stage' PKG_CONFIG_LIBDIR='$root/lib/pkgconfig' pkg-config --cflags --libs swiftkeras)"
expect "the program records the SONAME, not a path" sh -c "readelf -d '$tmp/demo-staged' | grep NEEDED | grep -q '\[libswiftkeras.so.$major\]' && ! readelf -d '$tmp/demo-staged' | grep -qE 'RPATH|RUNPATH'"
expect "demo runs against the staged library" sh -c "LD_LIBRARY_PATH='$root/lib' '$tmp/demo-staged' | grep -q 'Sum: 36.0'"
expect "make install-debug: the debug info beside the library" sh -c "$MAKE --no-print-directory install-debug DESTDIR='$tmp/stage' PREFIX=/opt/swiftkeras && readelf -S '$root/lib/debug/libswiftkeras.so.$version.debug' | grep -q debug_info"
expect "make uninstall (staged)" $MAKE --no-print-directory uninstall DESTDIR="$tmp/stage" PREFIX=/opt/swiftkeras
expect "uninstall leaves no file" test -z "$(find "$tmp/stage" -type f -o -type l)"

# ---- 2. PREFIX=$tmp/prefix: pkg-config, CMake, static, Go, Rust ----
prefix=$tmp/prefix
expect "make install PREFIX=$prefix" $MAKE --no-print-directory install PREFIX="$prefix"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
libdir=$(pkg-config --variable=libdir swiftkeras)
expect "demo.c builds with pkg-config --cflags --libs swiftkeras" sh -c "gcc $CFLAGS examples/c/demo.c -o '$tmp/demo-pc' \$(pkg-config --cflags --libs swiftkeras) -Wl,-rpath,'$libdir'"
expect "demo (pkg-config) runs" sh -c "'$tmp/demo-pc' | grep -q 'Sum: 36.0'"
expect "CMake: find_package(SwiftKeras) configures and builds" sh -c "cmake -S examples/c -B '$tmp/cmake' -DCMAKE_PREFIX_PATH='$prefix' -DCMAKE_BUILD_TYPE=Release && cmake --build '$tmp/cmake'"
expect "demo (CMake, SwiftKeras::swiftkeras) runs" sh -c "'$tmp/cmake/demo' | grep -q 'Sum: 36.0'"
expect "train_digits (CMake) reaches 95%" sh -c "'$tmp/cmake/train_digits' data/digits.csv"
expect "CMake: SwiftKeras::swiftkeras_static builds" sh -c "cmake -S examples/c -B '$tmp/cmake-static' -DCMAKE_PREFIX_PATH='$prefix' -DSWIFTKERAS_STATIC=ON && cmake --build '$tmp/cmake-static' --target demo"
expect "demo (CMake, static) runs without libswiftkeras.so" sh -c "! readelf -d '$tmp/cmake-static/demo' | grep -q libswiftkeras && '$tmp/cmake-static/demo' | grep -q 'Sum: 36.0'"
expect "CMake rejects a wrong major version" sh -c "! cmake -S packaging/cmake-version-check -B '$tmp/cmake-v' -DCMAKE_PREFIX_PATH='$prefix' -DWANT_VERSION=$((major + 1)).0"
expect "demo.c links the static library" sh -c "gcc $CFLAGS examples/c/demo.c -o '$tmp/demo-static' \$(pkg-config --cflags swiftkeras) '$libdir/libswiftkeras.a' \$(pkg-config --static --libs-only-l swiftkeras | sed 's/-lswiftkeras//')"
expect "the static program needs no libswiftkeras.so" sh -c "! readelf -d '$tmp/demo-static' | grep -q libswiftkeras"
expect "demo (static) runs" sh -c "'$tmp/demo-static' | grep -q 'Sum: 36.0'"
if command -v go >/dev/null; then
  export GOCACHE=${GOCACHE:-$tmp/gocache} GOPATH=${GOPATH:-$tmp/gopath} GOFLAGS=-mod=mod
  expect "examples/go builds (cgo, pkg-config)" sh -c "cd examples/go && go build -o '$tmp/go-demo' ."
  # stdout is a file: every line of fit's output must arrive although Go exits without libc's exit()
  expect "examples/go runs" sh -c "LD_LIBRARY_PATH='$libdir' '$tmp/go-demo' > '$tmp/go.out' 2>&1"
  cat "$tmp/go.out" | grep -v '^Epoch\|step' | sed 's/^/  go: /'
  expect "Go: fit's 30 epoch lines reached the pipe (flushed by the library)" test "$(grep -c '^Epoch [0-9]*/30' "$tmp/go.out")" -eq 30
else
  echo "SKIP examples/go: no go toolchain (make deps installs golang-go)"
fi
if command -v cargo >/dev/null; then
  expect "examples/rust builds (cargo, no crates)" cargo build -q --offline --release --manifest-path examples/rust/Cargo.toml --target-dir "$tmp/rust"
  expect "examples/rust runs" sh -c "'$tmp/rust/release/swiftkeras-demo' > '$tmp/rust.out' 2>&1"
  sed 's/^/  rust: /' "$tmp/rust.out"
else
  echo "SKIP examples/rust: no cargo (make deps installs rustc and cargo)"
fi
expect "make uninstall PREFIX=$prefix" $MAKE --no-print-directory uninstall PREFIX="$prefix"
expect "uninstall leaves no file" test -z "$(find "$prefix" -type f -o -type l)"

echo "install test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
