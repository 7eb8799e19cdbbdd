#!/usr/bin/env bash
# Every sk_ function declared in the headers (include/swiftkeras.h and its parts) is called (or referenced as a function
# pointer) by the C harness. Prints "N passed, N failed" like the other suites.
set -u
hdr=${1:-include/swiftkeras.h include/swiftkeras/*.h}   # one argument: a list of headers
shift || true
srcs=${*:-Tests/C/harness.c Tests/C/harness_util.h Tests/C/harness_*.inc}
dec=$(cat $hdr | grep -oE '\bsk_[a-z0-9_]+[[:space:]]*\(' | sed 's/[[:space:]]*(//' | sort -u)
used=$(cat $srcs | grep -oE '\bsk_[a-z0-9_]+\b' | sort -u)
passed=0; failed=0
for f in $dec; do
  if grep -qx "$f" <<<"$used"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL never called by the harness: $f"; fi
done
echo "harness coverage: $passed of $(wc -w <<<"$dec") declared functions used"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
