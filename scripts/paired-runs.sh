#!/usr/bin/env bash
# Runs two benchmark binaries interleaved benchmark by benchmark, A B B A A B B A ..., one
# process per benchmark and run, each pinned to the same CPU, and writes each run's Google
# Benchmark JSON with its pair index, as `hashflop compare --paired` reads them:
# OUT/base/pair-<i>-<k>.json and OUT/candidate/pair-<i>-<k>.json for the k-th benchmark.
# The two runs of a pair are back to back, about a second apart, so they share the machine's
# state (clocks, load, cache neighbours) and their ratio cancels drift; the ABBA order also
# cancels a steady trend within a pair. (Running the whole set per side instead put the two runs
# of a pair ~10 s apart, longer than the bursts of load on a shared machine: results/baselines.)
# Used by scripts/ci-regression.sh --base; callable alone on binaries already built.
#
#   scripts/paired-runs.sh BASE_BENCH CANDIDATE_BENCH OUT [--pairs N] [--filter REGEX]
#                          [--min-time S] [--pin CPU]
#
#   --pairs N      pairs of runs (default 8: the signed-rank test needs at least 6 to reach
#                  p < 0.05)
#   --filter RE    --benchmark_filter (default: the single-thread CPU benchmarks)
#   --min-time S   --benchmark_min_time per benchmark and run (default 0.1)
#   --pin CPU      taskset -c CPU for every run (default: the last CPU; "none" to not pin)
# Exit 0 when every run succeeded; 2 on bad arguments or a failed run (one line on stderr).
set -euo pipefail

die() { echo "paired-runs.sh: $*" >&2; exit 2; }
[[ $# -ge 3 ]] || die "usage: paired-runs.sh BASE_BENCH CANDIDATE_BENCH OUT [options] (see the header)"
base_bench=$1 cand_bench=$2 out=$3
shift 3
pairs=8
filter='^(sha256d|gemm)/cpu/.*/threads:1/'
min_time=0.1
pin=$(($(nproc) - 1))
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pairs) pairs="$2"; shift 2 ;;
    --filter) filter="$2"; shift 2 ;;
    --min-time) min_time="$2"; shift 2 ;;
    --pin) pin="$2"; shift 2 ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[[ "$pairs" =~ ^[1-9][0-9]*$ ]] || die "--pairs must be a positive integer, not '$pairs'"
for b in "$base_bench" "$cand_bench"; do [[ -x "$b" ]] || die "not an executable: $b"; done
runner=()
if [[ "$pin" != none ]]; then
  command -v taskset >/dev/null || die "taskset not found (util-linux); give --pin none"
  runner=(taskset -c "$pin")
fi

# The same benchmarks on both sides, or the pairs would not compare like with like.
list() { "$1" --benchmark_list_tests --benchmark_filter="$filter" 2>/dev/null | sort; }
base_list=$(list "$base_bench") || die "$base_bench --benchmark_list_tests failed"
cand_list=$(list "$cand_bench") || die "$cand_bench --benchmark_list_tests failed"
[[ -n "$base_list" ]] || die "the filter '$filter' matches no benchmark of the base"
if [[ "$base_list" != "$cand_list" ]]; then
  only_base=$(comm -23 <(echo "$base_list") <(echo "$cand_list") | paste -sd, -)
  only_cand=$(comm -13 <(echo "$base_list") <(echo "$cand_list") | paste -sd, -)
  die "mismatched benchmark sets: only in the base: ${only_base:-none}; only in the candidate: ${only_cand:-none}"
fi

rm -rf "$out/base" "$out/candidate"
mkdir -p "$out/base" "$out/candidate"
mapfile -t benchmarks <<<"$base_list"
run_one() {  # side bench pair k
  local name="${benchmarks[$4]}" log="$out/$1/pair-$3-$4.log"
  # The exact name as a regular expression: names hold '.', ':' and '-'.
  local exact
  exact="^$(printf '%s' "$name" | sed 's/[][\.*^$+?(){}|]/\\&/g')\$"
  "${runner[@]}" "$2" --benchmark_filter="$exact" --benchmark_min_time="$min_time" \
    --benchmark_repetitions=1 --benchmark_context=hashflop_pair="$3" \
    --benchmark_out="$out/$1/pair-$3-$4.json" --benchmark_out_format=json >"$log" 2>&1 ||
    die "the $1 run of $name in pair $3 failed (log: $log)"
  grep -q '"run_type"' "$out/$1/pair-$3-$4.json" ||
    die "the $1 run of pair $3 did not run $name (log: $log)"
  rm -f "$log"
}
echo "paired-runs: $pairs pairs of ${#benchmarks[@]} benchmarks, pinned to CPU $pin," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for ((i = 0; i < pairs; i++)); do
  for k in "${!benchmarks[@]}"; do
    # A B, then B A: over two pairs each side runs first once, so a trend inside a pair cancels.
    if ((i % 2 == 0)); then
      run_one base "$base_bench" "$i" "$k"
      run_one candidate "$cand_bench" "$i" "$k"
    else
      run_one candidate "$cand_bench" "$i" "$k"
      run_one base "$base_bench" "$i" "$k"
    fi
  done
done
echo "paired-runs: done, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
