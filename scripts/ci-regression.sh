#!/usr/bin/env bash
# Throughput regression check, locally or in any CI, printing a Markdown table. Exit status is
# compare's: 0 the gate passes, 1 it fails (a regression, a benchmark missing from one side, or
# a slowdown the samples were too few to confirm: `inconclusive`), 2 bad input. See
# results/baselines/README.md.
#
# Paired mode (--base REV): builds REV in a git worktree and this tree, both Release with the
# benchmarks, CPU only (CUDA, tests off: the CPU benchmarks are what it times, and the builds
# stay short), in separate build folders reused when built (the base's keyed on REV's commit).
# Then runs the benchmarks of both builds interleaved, A B B A ..., N pairs, each run pinned to
# the same CPU (scripts/paired-runs.sh), and judges the per-pair ratios with
# `hashflop compare --paired`. Drift of the machine between runs cancels within a pair.
#
#   scripts/ci-regression.sh --base REV [--pairs N] [--filter REGEX] [--pin CPU] [--allow-dirty]
#                            [--min-time S] [--out DIR] [--work DIR] [--threshold PCT] ...
#
#   --base REV        the revision to compare against (a commit, branch or tag)
#   --pairs N         interleaved pairs of runs (default 8; 6 at least for p < 0.05)
#   --filter REGEX    default: the single-thread CPU benchmarks, '^(sha256d|gemm)/cpu/.*/threads:1/'
#   --pin CPU         CPU for every run (default: the last one; none: not pinned)
#   --min-time S      --benchmark_min_time per benchmark and run (default 0.1)
#   --allow-dirty     measure a worktree with uncommitted changes (refused otherwise: the
#                     table would name a commit it did not measure)
#   --work DIR        where the base worktree and its build live (default build/regression)
#   --out DIR         where the runs (DIR/paired), regression.md and regression.json go
#   --threshold PCT   default 2 in paired mode: pairing takes out the drift that 5 allows for
#   Candidate build: build/regression-candidate. Base: DIR/base-<commit>/ (a detached worktree)
#   with its build in build/regression-base inside it; a half-made one is removed on failure.
#   Bad input (unknown revision, a build that fails, benchmark sets that differ, a dirty tree):
#   one line on stderr, exit 2.
#
# Baseline-file mode (no --base): builds Release, runs the Google Benchmark suites with
# repetitions and compares the result against a baseline file with `hashflop compare`.
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
#   --threshold PCT, --alpha A, --allow-missing, --allow-inconclusive   passed to hashflop compare
set -euo pipefail
# Paths given on the command line are the caller's: resolved against where the script was called
# from, before it moves to the repository root (the defaults are the repository's).
caller=$PWD
cd "$(dirname "$0")/.."
die() { echo "ci-regression.sh: $*" >&2; exit 2; }
from_caller() { case "$1" in /*) echo "$1" ;; *) echo "$caller/$1" ;; esac; }

baseline="${HASHFLOP_BASELINE:-}"
filter='^(sha256d|gemm)/cpu/'
out=build/regression
build=build/release-bench
repetitions=9
min_time=0.2
pin=""
save=""
compare_args=()
base_rev=""
base_set=0
pairs=8
alpha=0.05
allow_dirty=0
work=build/regression
min_time_set=0
filter_set=0
threshold_set=0
while [[ $# -gt 0 ]]; do
  # Every option below but the flags takes a value: one given without it is bad input (2).
  case "$1" in
    --allow-missing | --allow-inconclusive | --allow-underpowered | --allow-dirty | -h | --help) ;;
    --*) [[ $# -ge 2 && "$2" != --* ]] || die "$1 needs a value (see --help)" ;;
  esac
  case "$1" in
    --baseline) baseline=$(from_caller "$2"); shift 2 ;;
    --filter) filter="$2"; filter_set=1; shift 2 ;;
    --out) out=$(from_caller "$2"); shift 2 ;;
    --build-dir) build=$(from_caller "$2"); shift 2 ;;
    --repetitions) repetitions="$2"; shift 2 ;;
    --min-time) min_time="$2"; min_time_set=1; shift 2 ;;
    --pin) pin="$2"; shift 2 ;;
    --save) save=$(from_caller "$2"); shift 2 ;;
    --threshold) compare_args+=("$1" "$2"); threshold_set=1; shift 2 ;;
    --alpha) compare_args+=("$1" "$2"); alpha="$2"; shift 2 ;;
    --allow-missing | --allow-inconclusive | --allow-underpowered) compare_args+=("$1"); shift ;;
    --base) base_rev="$2"; base_set=1; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --allow-dirty) allow_dirty=1; shift ;;
    --work) work=$(from_caller "$2"); shift 2 ;;
    -h | --help) sed -n '2,50p' "$0"; exit 0 ;;
    *) echo "ci-regression.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $base_set == 0 || -n "$base_rev" ]] || die "--base needs a revision, not an empty string"
if [[ $base_set == 1 ]]; then
  [[ "$pairs" =~ ^[0-9]+$ && "$pairs" -ge 1 ]] || die "--pairs takes a whole number, not '$pairs'"
  # Checked before anything is built: the exact two-sided Wilcoxon test on N pairs can reach
  # p = 2 / 2^N at best, so fewer pairs than this can never show a change at --alpha.
  min_pairs=$(awk -v a="$alpha" 'BEGIN { if (a <= 0 || a >= 1) { print 0; exit }
    n = 1; while (2 / 2 ^ n > a) n++; print n }')
  [[ "$min_pairs" -gt 0 ]] || die "--alpha takes a number between 0 and 1, not '$alpha'"
  [[ "$pairs" -ge "$min_pairs" ]] ||
    die "--pairs $pairs can never reach significance at alpha $alpha: give at least $min_pairs"
fi

# Removes the base worktree and its folder: on any failure before it is complete, and before
# rebuilding one an interrupted run left behind.
remove_base() {
  git worktree remove --force "$base_dir" >/dev/null 2>&1 || true
  rm -rf "$base_dir"
  git worktree prune >/dev/null 2>&1 || true
}

paired_mode() {
  git rev-parse --git-dir >/dev/null 2>&1 || die "--base needs a git checkout"
  local commit
  commit=$(git rev-parse --verify --quiet "${base_rev}^{commit}") ||
    die "unknown revision '$base_rev'"
  if [[ $allow_dirty == 0 && -n "$(git status --porcelain)" ]]; then
    die "the worktree has uncommitted changes: commit them or give --allow-dirty"
  fi
  local short=${commit:0:12} head
  head=$(git rev-parse --short=12 HEAD)
  [[ -z "$(git status --porcelain)" ]] || head+=" + uncommitted changes"
  # CPU only, tests off: what is timed is the CPU benchmarks, and each build stays short.
  local configure=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DHASHFLOP_ENABLE_TESTS=OFF
    -DHASHFLOP_ENABLE_BENCH=ON -DHASHFLOP_ENABLE_CUDA=OFF)
  mkdir -p "$work" "$out"
  work=$(cd "$work" && pwd)
  base_dir="$work/base-$commit"
  local base_build="$base_dir/build/regression-base" log="$work/base-$commit.log"
  # The marker is written only after a complete build: without it the folder is half-made.
  if [[ ! -f "$base_dir.built" || ! -x "$base_build/hashflop_bench" ]]; then
    rm -f "$base_dir.built"
    remove_base
    trap remove_base EXIT
    trap 'exit 130' INT TERM  # through the EXIT trap, so Ctrl-C leaves no half-made tree
    echo "ci-regression.sh: building the base $base_rev ($short) in $base_dir (log: $log)" >&2
    git worktree add --detach "$base_dir" "$commit" >"$log" 2>&1 ||
      die "cannot check out $base_rev ($short) into $base_dir (log: $log)"
    { cmake -S "$base_dir" -B "$base_build" "${configure[@]}" &&
      cmake --build "$base_build" --target hashflop_bench; } >>"$log" 2>&1 ||
      die "the base $base_rev ($short) failed to build (log: $log)"
    touch "$base_dir.built"
    trap - EXIT INT TERM
  fi
  local cand_build=build/regression-candidate cand_log="$work/candidate.log"
  echo "ci-regression.sh: building this tree ($head) in $cand_build (log: $cand_log)" >&2
  if [[ ! -f "$cand_build/CMakeCache.txt" ]]; then
    cmake -S . -B "$cand_build" "${configure[@]}" >"$cand_log" 2>&1 || {
      rm -rf "$cand_build"
      die "this tree failed to configure (log: $cand_log)"
    }
  fi
  cmake --build "$cand_build" --target hashflop hashflop_bench >>"$cand_log" 2>&1 ||
    die "this tree ($head) failed to build (log: $cand_log)"

  local runs=(--pairs "$pairs" --filter "$filter" --min-time "$min_time")
  [[ -z "$pin" ]] || runs+=(--pin "$pin")
  scripts/paired-runs.sh "$base_build/hashflop_bench" "$cand_build/hashflop_bench" "$out/paired" \
    "${runs[@]}"
  local rc=0
  "$cand_build/hashflop" compare --paired --format json "${compare_args[@]}" \
    "$out/paired/base" "$out/paired/candidate" >"$out/regression.json" || rc=$?
  [[ $rc -le 1 ]] || exit "$rc"  # compare said why, in one line
  {
    echo "Base \`$base_rev\` ($short) against this tree ($head): $pairs interleaved pairs."
    echo
    "$cand_build/hashflop" compare --paired --format md "${compare_args[@]}" \
      "$out/paired/base" "$out/paired/candidate" || true
  } >"$out/regression.md"
  cat "$out/regression.md"
  return "$rc"
}

if [[ -n "$base_rev" ]]; then
  [[ $filter_set == 1 ]] || filter='^(sha256d|gemm)/cpu/.*/threads:1/'
  [[ $min_time_set == 1 ]] || min_time=0.1
  [[ $threshold_set == 1 ]] || compare_args+=(--threshold 2)
  paired_mode
  exit $?
fi
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
