#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz; clang, in the `asan` preset's tree: the library
# built once with ASan, UBSan and libFuzzer's coverage serves both the sanitizer tests and the
# fuzzers) and runs each for SECONDS (default 60) on a scratch copy of its seed corpus, so the
# tree is never modified. Prints the executions per target; exits 1 on any crash, sanitizer
# report, leak, timeout or out-of-memory, leaving the input that did it under
# build/asan/fuzz-findings/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600 results_file
#   HASHFLOP_FUZZ_JOBS=2 scripts/fuzz.sh 600  two targets at a time
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
all=(bitcoin_text results_file benchmark_json market_file rapl_powercap hwmon_power spool_file)
targets=("${@:-${all[@]}}")
jobs=${HASHFLOP_FUZZ_JOBS:-1}

./scripts/sanitizer-deps.sh
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake --preset asan "${launcher[@]}" >/dev/null
cmake --build build/asan --target "${targets[@]/#/fuzz_}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
findings=build/asan/fuzz-findings
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local t=$1
  mkdir -p "$scratch/$t" "$findings/$t"
  cp -r "tests/fuzz/corpus/$t" "$scratch/$t/corpus"
  local dict=()
  case $t in results_file | benchmark_json | market_file | spool_file) dict=(-dict=tests/fuzz/json.dict) ;; esac
  # -timeout: one input may take 25 s (under ASan, on a loaded machine); -rss_limit_mb: 2 GB.
  "build/asan/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=25 \
    -rss_limit_mb=2048 -artifact_prefix="$findings/$t/" "${dict[@]}" "$scratch/$t/corpus" \
    >"$scratch/$t.log" 2>&1
}

declare -A rc
running=0
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds} s"
  (run_one "$t" && echo 0 >"$scratch/$t.rc" || echo $? >"$scratch/$t.rc") &
  running=$((running + 1))
  if [[ $running -ge $jobs ]]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=0
printf '%-16s %14s %8s  %s\n' target executions seconds result
for t in "${targets[@]}"; do
  rc[$t]=$(cat "$scratch/$t.rc")
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$scratch/$t.log" | tail -1)
  took=$(awk '/Done [0-9]+ runs in/ {print $(NF-1)}' "$scratch/$t.log" | tail -1)
  result=ok
  if [[ ${rc[$t]} -ne 0 ]]; then
    result="FAILED (exit ${rc[$t]}); log below, input in $findings/$t/"
    failed=1
  fi
  printf '%-16s %14s %8s  %s\n' "$t" "${execs:-?}" "${took:-?}" "$result"
done
for t in "${targets[@]}"; do
  if [[ ${rc[$t]} -ne 0 ]]; then
    echo "==== $t"
    tail -60 "$scratch/$t.log"
  fi
done
exit $failed
