#!/usr/bin/env bash
# Throughput regression check, locally or in any CI: builds Release, runs the Google Benchmark
# suites with repetitions and compares the result against a baseline with `hashflop compare`,
# printing a Markdown table. Exit status is compare's: 0 no regression, 1 regression (or a
# benchmark missing from one side), 2 bad input. See results/baselines/README.md.
#
#   scripts/ci-regression.sh [--baseline FILE] [--filter REGEX] [--out DIR] [--build-dir DIR]
#                            [--repetitions N] [--min-time SECONDS] [--pin CPU] [--save FILE]
#
#   --baseline FILE   Google Benchmark JSON to compare against (default: $HASHFLOP_BASELINE, else
#                     the only results/baselines/*.json; without one, nothing is compared)
#   --filter REGEX    --benchmark_filter (default: every CPU benchmark, ^(sha256d|gemm)/cpu/)
#   --out DIR         where bench.json and regression.md go (default: build/regression)
#   --build-dir DIR   build folder (default: build/release-bench); configured only if new
#   --repetitions N   --benchmark_repetitions (default 9: enough for Mann-Whitney at 5%)
#   --min-time S      --benchmark_min_time per repetition (default 0.2; the GEMM benchmarks
#                     set their own 1 s)
#   --pin CPU         run the benchmarks under `taskset -c CPU` (steadier on a shared machine)
#   --save FILE       also copy the benchmark JSON to FILE (how baselines are refreshed)
#   --threshold PCT, --alpha A, --allow-missing   passed to hashflop compare
set -euo pipefail
cd "$(dirname "$0")/.."

baseline="${HASHFLOP_BASELINE:-}"
filter='^(sha256d|gemm)/cpu/'
out=build/regression
build=build/release-bench
repetitions=9
min_time=0.2
pin=""
save=""
compare_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --baseline) baseline="$2"; shift 2 ;;
    --filter) filter="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --build-dir) build="$2"; shift 2 ;;
    --repetitions) repetitions="$2"; shift 2 ;;
    --min-time) min_time="$2"; shift 2 ;;
    --pin) pin="$2"; shift 2 ;;
    --save) save="$2"; shift 2 ;;
    --threshold | --alpha) compare_args+=("$1" "$2"); shift 2 ;;
    --allow-missing) compare_args+=("$1"); shift ;;
    -h | --help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "ci-regression.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -z "$baseline" ]]; then
  shopt -s nullglob
  candidates=(results/baselines/*.json)
  if [[ ${#candidates[@]} -eq 1 ]]; then baseline="${candidates[0]}"; fi
fi
if [[ -n "$baseline" && ! -r "$baseline" ]]; then
  echo "ci-regression.sh: cannot read baseline '$baseline'" >&2
  exit 2
fi

# Release, benchmarks on, tests off: the measured code is what users run.
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHASHFLOP_ENABLE_TESTS=OFF \
    -DHASHFLOP_ENABLE_BENCH=ON
fi
cmake --build "$build" --target hashflop hashflop_bench

mkdir -p "$out"
runner=()
if [[ -n "$pin" ]]; then runner=(taskset -c "$pin"); fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Random interleaving spreads each benchmark's repetitions over the whole run, so a burst of
# load from elsewhere widens the spread of many benchmarks instead of shifting one median.
"${runner[@]}" "$build/hashflop_bench" --benchmark_filter="$filter" \
  --benchmark_repetitions="$repetitions" --benchmark_min_time="$min_time" \
  --benchmark_enable_random_interleaving=true \
  --benchmark_out="$out/bench.json" --benchmark_out_format=json \
  --benchmark_display_aggregates_only=true >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [[ -n "$save" ]]; then cp "$out/bench.json" "$save"; fi

if [[ -z "$baseline" ]]; then
  echo "ci-regression.sh: no baseline (give --baseline FILE); results in $out/bench.json" >&2
  exit 0
fi
set +e
"$build/hashflop" compare --format md "${compare_args[@]}" "$baseline" "$out/bench.json" \
  >"$out/regression.md"
rc=$?
set -e
cat "$out/regression.md"
exit "$rc"
