#!/usr/bin/env bash
# The reliability campaign (see Tests/fuzz/README.md): hostile C calls in forked children,
# hostile Python calls, corrupt files for every loader, thread races of the documented
# promises, save faults. `quick` is the slice `make test` runs (about a minute), `full` is
# `make fuzz`. Prints each part's line, then the totals; exits 1 if any part failed.
#   Tests/fuzz/run_campaign.sh quick|full [SEED]
set -u
mode=${1:-quick}
seed=${2:-1}
build=Tests/fuzz/build
export OPENBLAS_NUM_THREADS=1 PYTHONPATH=bindings/python
if [ "$mode" = full ]; then
  capi=(--calls 100000 --per-child 500 --timeout 120); race=(--rounds 20)
  files=(--files 1200 --per-child 150 --timeout 600); py=(--calls 12000 --per-child 600 --timeout 600); kills=(--kills 80)
else
  capi=(--calls 1500 --per-child 500 --timeout 60); race=(--rounds 1)
  files=(--files 60 --per-child 60 --timeout 120); py=(--calls 400 --per-child 400 --timeout 120); kills=(--kills 4)
fi
log=$(mktemp)
status=0
run() { "$@" 2>&1 | tee -a "$log" | grep -E '^(CRASH|HANG|FAIL|CONTRACT|SKIP|NOTE|AssertionError|gen_capi_calls|capi fuzz|race tests|file fuzz|python fuzz|save faults)'; [ "${PIPESTATUS[0]}" -eq 0 ] || status=1; }
run python3 Tests/fuzz/gen_capi_calls.py --self-test
run "$build/fuzz_capi" "${capi[@]}" --seed "$seed"
run "$build/race_capi" "${race[@]}"
run python3 Tests/fuzz/fuzz_files.py "${files[@]}" --seed "$seed"
run python3 Tests/fuzz/fuzz_python.py "${py[@]}" --seed "$seed"
run python3 Tests/fuzz/save_faults.py "${kills[@]}"
c_calls=$(grep -oE '^capi fuzz: [0-9]+ calls tried' "$log" | grep -oE '[0-9]+' | head -1)
p_calls=$(grep -oE '^python fuzz: [0-9]+ calls tried' "$log" | grep -oE '[0-9]+' | head -1)
n_files=$(grep -oE '^file fuzz: [0-9]+ corrupt' "$log" | grep -oE '[0-9]+' | head -1)
crashes=$(grep -c '^CRASH' "$log")
hangs=$(grep -c '^HANG' "$log")
echo "fuzz campaign ($mode, seed $seed): ${c_calls:-0} hostile C calls, ${p_calls:-0} hostile Python calls, ${n_files:-0} corrupt files; $crashes crashes, $hangs hangs; $( [ $status -eq 0 ] && echo passed || echo FAILED)"
rm -f "$log"
exit $status
