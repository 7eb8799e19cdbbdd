#!/usr/bin/env bash
# Every sk_ function declared in the headers (include/swiftkeras.h and its parts in
# include/swiftkeras/) is exported by the library, every exported sk_ symbol is declared, and
# the library exports nothing else (no Swift or runtime symbol: packaging/libswiftkeras.map).
# Prints "N passed, N failed" like the other suites.
set -u
lib=${1:-.build/release/libswiftkeras.so}
hdr=${2:-include/swiftkeras.h include/swiftkeras/*.h}   # one argument: a list of headers
exp=$(nm -D --defined-only "$lib" | awk '$2=="T"{print $3}' | grep '^sk_' | sort -u)
dec=$(cat $hdr | grep -oE '\bsk_[a-z0-9_]+[[:space:]]*\(' | sed 's/[[:space:]]*(//' | sort -u)
passed=0; failed=0
for f in $dec; do
  if grep -qx "$f" <<<"$exp"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL declared but not exported: $f"; fi
done
for f in $exp; do
  if grep -qx "$f" <<<"$dec"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL exported but not declared: $f"; fi
done
other=$(nm -D --defined-only "$lib" | awk '{print $NF}' | grep -v '^sk_' | sort -u)
if [ -z "$other" ]; then passed=$((passed+1)); else
  failed=$((failed+1)); echo "FAIL $(wc -l <<<"$other") dynamic symbols other than sk_* exported, e.g.:"; head -5 <<<"$other"
fi
echo "header/export check: $(wc -w <<<"$dec") declared, $(wc -w <<<"$exp") exported"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
