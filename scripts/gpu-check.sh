#!/usr/bin/env bash
# The one-shot GPU check: everything the CUDA code must prove on a real GPU, in one call that fits
# a 15-minute lease (the machine's start included) with time left to rerun what failed. Steps, in
# the order of what they are worth if the call is cut short:
#   1 devices     nvidia-smi summary, `hashflop devices --json`, where cuBLAS was found
#   2 verify      hashflop verify --device cuda:0
#   3 tests       the CUDA tests (hashflop_tests --gtest_filter, no ctest needed)
#   4 sha256d     autotuned mine over the genesis header's nonces, the sha256d benchmark
#   5 gemm        hashflop gemm at 4096^3 for every variant and dtype, and 8192^3 bf16
#   6 run         hashflop run (sha256d and GEMM) with NVML, 5 s windows
#   7 transformer llama-3.2-1b prefill and decode, one short window each, with NVML
#   8 sanitizer   compute-sanitizer memcheck and racecheck on a small mine and small GEMMs
#   9 pipes       the integer-pipe microbenchmark (hashflop_bench int_pipes/*)
# Estimated at ~5.5 minutes on an H100 in full and ~2 minutes with --quick (docs/gpu-check.md).
#
# Every file is written into OUT_DIR as it is made, so a call killed at its time limit still
# returns every step that ended: gpu-check.log (each step's output, appended live),
# summary.txt and results.json (both rewritten after every step), run.json and transformer.json
# (the results files of steps 6 and 7). Five files: the device tool returns at most 8.
#
# Without a usable GPU (or with --rehearse, which hides the GPUs with CUDA_VISIBLE_DEVICES=""),
# every step still runs its commands, which must stop at the missing device and never at a usage
# error, and the step is reported skipped with the reason. That rehearsal takes seconds; the
# test suite runs it (ctest -R gpu_check_rehearsal), and the GPU path with stand-ins
# (ctest -R gpu_check_fake_gpu).
#
# Usage: gpu-check.sh [--bin DIR] [--rehearse] [--quick] [--steps 2,7] [--budget SECONDS] OUT_DIR
#   --bin DIR    where hashflop, hashflop_tests and hashflop_bench are (DIR or DIR/tests);
#                default: this script's folder when it holds hashflop (a bundle from
#                scripts/gpu-bundle.sh), else the repository's build/gpu-bundle
#   --quick      the rerun mode, ~2 minutes: every step at its smallest useful size (one GEMM
#                size, 2 s windows, memcheck only, no benchmarks but the pipes)
#   --steps      run only these steps (a rerun); the others are reported skipped
#   --budget     stop starting steps once this many seconds have passed (default 420, or 200
#                with --quick); each step's limit is cut to fit
# Exits 0 when no step failed and none was left out for lack of time, 1 otherwise, 2 on a usage
# error.
#
# Environment: HASHFLOP_CUBLAS_LIBRARY (a libcublas.so.13 to use; else python3's site-packages
# and the system are searched), HASHFLOP_GPU_CHECK_RUN_ARGS (step 6's options; see below).
set -uo pipefail

usage() {
  sed -n '/^# Usage:/,/^# error\./p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

bin_dir="" rehearse=0 quick=0 only="" budget=""
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin_dir=${2:-}; shift 2 ;;
    --rehearse) rehearse=1; shift ;;
    --quick) quick=1; shift ;;
    --steps) only=${2:-}; shift 2 ;;
    --budget) budget=${2:-}; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "gpu-check: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || usage
out=$1
if [ -z "$budget" ]; then if [ $quick -eq 1 ]; then budget=200; else budget=420; fi; fi
[[ $budget =~ ^[0-9]+$ ]] || { echo "gpu-check: --budget takes whole seconds" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "$bin_dir" ]; then
  if [ -x "$here/hashflop" ]; then bin_dir=$here; else bin_dir=$here/../build/gpu-bundle; fi
fi
find_bin() {
  local d
  for d in "$bin_dir" "$bin_dir/tests"; do
    if [ -x "$d/$1" ]; then echo "$d/$1"; return 0; fi
  done
  return 1
}
HASHFLOP=$(find_bin hashflop) || { echo "gpu-check: no hashflop in $bin_dir (--bin DIR)" >&2; exit 2; }
TESTS=$(find_bin hashflop_tests || true)
# The CLI tests among the CUDA ones (CudaTuneCli) run this hashflop, not the build folder's.
export HASHFLOP_TEST_BINARY=$HASHFLOP
BENCH=$(find_bin hashflop_bench || true)

mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)
# What an earlier check left here (this layout's files, and the NN-step.log files of the layout
# before it), so nothing stale is read as this run's.
rm -f "$out"/[0-9][0-9]-*.log "$out/gpu-check.log" "$out/results.json" "$out/summary.txt" \
  "$out/run.json" "$out/transformer.json"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/json"
started=$(date +%s)
deadline=$((started + budget))
LOG=$out/gpu-check.log

# Genesis block header (its nonce is ignored by mine) and an easy target, so the sanitized mine
# finds and re-checks candidates (about 1 in 65536 nonces) instead of never writing one.
GENESIS=0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c
EASY_TARGET=0000ffff$(printf 'f%.0s' $(seq 56))
# The CUDA tests of hashflop_tests (tests/cuda/): rules, registry, search, GEMM, lane identities.
GTEST_FILTER='Cuda*:Cublas*:ImadLane.*:ImadSplit*:VersionRolling.*'
# Step 6. 4096^3 rather than the default 8192^3, 5 s windows (the shortest NVML's meter trusts)
# and 2 s cool-downs keep the step near 3 minutes: its 8 runs (sha256d + 7 GEMM variant/dtype
# pairs) spend 8 x 15 s in measured windows whatever the size, and each 8192^3 GEMM run adds
# ~10 s of single-threaded fp64 checking. Step 5 has the 8192^3 rates.
if [ $quick -eq 1 ]; then
  RUN_DEFAULT="--duration 2 --repetitions 1 --cooldown 0 --gemm-size 4096"
  GEMM_SHAPES="4096:fp32 4096:bf16"
  TRANSFORMER_ARGS="--prefill 1x512 --decode 64 --duration 2 --repetitions 1 --cooldown 0"
else
  RUN_DEFAULT="--duration 5 --repetitions 3 --cooldown 2 --gemm-size 4096"
  GEMM_SHAPES="4096:fp32 4096:tf32 4096:bf16 4096:fp16 8192:bf16"
  TRANSFORMER_ARGS="--prefill 1x2048 --decode 256 --duration 2 --repetitions 1 --cooldown 1"
fi
RUN_ARGS=${HASHFLOP_GPU_CHECK_RUN_ARGS:-$RUN_DEFAULT}
CUBLAS_SONAME=libcublas.so.13  # the cuBLAS major of the CUDA 13 toolkit the binaries were built with

export here HASHFLOP TESTS BENCH tmp out GENESIS EASY_TARGET GTEST_FILTER RUN_ARGS GEMM_SHAPES \
  TRANSFORMER_ARGS QUICK=$quick

# --- helpers, exported to each step's shell -------------------------------------------------

# scripts/gpu_check_json.py reads the steps' JSON (python3 is on the build machine and on the GPU
# image); without python3 the verdicts still stand and the headlines are empty.
PY=$here/gpu_check_json.py
export PY
py() { command -v python3 >/dev/null && python3 "$PY" "$@"; }
export -f py

# report STATUS REASON [HEADLINE]: the step's verdict, read back after the step's shell ends.
report() {
  printf '%s' "$1" >"$tmp/$n.status"
  printf '%s' "$2" >"$tmp/$n.reason"
  printf '%s' "${3:-}" >"$tmp/$n.headline"
}
# Without a usable GPU a command must stop at the missing device: hashflop's exit code 1. A usage
# error (2), a crash or a success means this script or the binary is wrong.
expect_no_gpu() {  # RC WHAT
  if [ "$1" -eq 1 ]; then return 0; fi
  report failed "$2 exited $1 without a usable GPU (expected 1: no device)"
  return 1
}
# Runs a command, echoing it to the log first.
show() {
  echo "+ $*" >&2
  "$@"
}
export -f report expect_no_gpu show

# --- the steps -------------------------------------------------------------------------------

step_devices() {
  echo "== cuBLAS: $CUBLAS_NOTE"
  echo "== binaries: $HASHFLOP${TESTS:+, $TESTS}${BENCH:+, $BENCH}"
  local b
  for b in "$HASHFLOP" $TESTS $BENCH; do
    if ldd "$b" 2>&1 | grep -q 'not found'; then
      echo "!! $b: libraries not found:"
      ldd "$b" | grep 'not found'
    fi
  done
  if command -v nvidia-smi >/dev/null; then
    show nvidia-smi --query-gpu=index,name,pci.bus_id,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.draw,power.limit,temperature.gpu,memory.used,memory.total,compute_mode --format=csv
    show nvidia-smi -q
  else
    echo "nvidia-smi: not found"
  fi
  show "$HASHFLOP" devices
  show "$HASHFLOP" devices --json >"$tmp/json/devices.json"
  local rc=$?
  cat "$tmp/json/devices.json"
  if [ $rc -ne 0 ]; then report failed "hashflop devices --json exited $rc"; return; fi
  local head listed
  head=$(py devices "$tmp/json/devices.json")
  # A GPU the driver sees but hashflop cannot use (no code for it, a runtime too new for the
  # driver) is this check's failure, not a reason to skip everything and exit 0.
  listed=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ')
  if [ -n "$GPU_REASON" ] && [ "$REHEARSE" -eq 0 ] && [ "${listed:-0}" -gt 0 ]; then
    report failed "nvidia-smi lists $listed GPU(s) but hashflop cannot use them: $GPU_REASON" "$head"
  elif [ -n "$GPU_REASON" ]; then
    report skipped "$GPU_REASON" "$head"
  else
    report passed "" "$head"
  fi
}

step_verify() {
  show "$HASHFLOP" verify --device cuda:0 --json >"$tmp/json/verify.json"
  local rc=$?
  cat "$tmp/json/verify.json"
  if [ -n "$GPU_REASON" ]; then
    expect_no_gpu $rc "hashflop verify" && report skipped "$GPU_REASON" "stopped at the missing device, as expected"
    return
  fi
  local head
  head=$(py verify "$tmp/json/verify.json")
  if [ $rc -eq 0 ]; then report passed "" "$head"; else report failed "hashflop verify exited $rc" "$head"; fi
}

step_tests() {
  if [ -z "$TESTS" ]; then report failed "hashflop_tests not found beside hashflop"; return; fi
  show "$TESTS" --gtest_filter="$GTEST_FILTER" --gtest_output="json:$tmp/json/tests.json"
  local rc=$? head
  head=$(py gtest "$tmp/json/tests.json")
  if [ $rc -ne 0 ]; then report failed "hashflop_tests exited $rc" "$head"
  elif [ -n "$GPU_REASON" ]; then report skipped "$GPU_REASON" "$head (the GPU ones skip)"
  else report passed "" "$head"; fi
}

# Our kernels only (--impl tiled): cuBLAS is not ours to check. The GEMM shapes are off every
# tile size, so the tails run; fp32 with N, K multiples of 4 takes the vector path, and bf16 with
# odd sizes the padded half-precision one.
SANITIZED=(
  "mine --device cuda:0 --header $GENESIS --start 0 --count 1048576 --target $EASY_TARGET --threads-per-block 256 --nonces-per-thread 16"
  "gemm --device cuda:0 --impl tiled --dtype fp32 --m 516 --n 260 --k 132 --repetitions 1"
  "gemm --device cuda:0 --impl tiled --dtype bf16 --m 509 --n 515 --k 263 --repetitions 1"
)
SANITIZED_LIST=$(printf '%s\n' "${SANITIZED[@]}")
export SANITIZED_LIST
step_sanitizer() {
  local sanitizer cmd tool rc runs=0 errors=0 failed=()
  sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
  echo "compute-sanitizer: ${sanitizer:-not found}"
  if [ -n "$GPU_REASON" ]; then
    # The same command lines, bare: they must stop at the device, not at their arguments.
    while read -r cmd; do
      # shellcheck disable=SC2086  # each line is a list of arguments
      show "$HASHFLOP" $cmd
      rc=$?
      expect_no_gpu $rc "hashflop ${cmd%% *}" || return
    done <<<"$SANITIZED_LIST"
    report skipped "$GPU_REASON" "command lines stop at the missing device, as expected"
    return
  fi
  if [ -z "$sanitizer" ]; then report skipped "compute-sanitizer not on PATH or in /usr/local/cuda/bin"; return; fi
  local tools=(memcheck racecheck) list=$SANITIZED_LIST
  if [ "$QUICK" -eq 1 ]; then tools=(memcheck); list=$(head -2 <<<"$SANITIZED_LIST"); fi
  for tool in "${tools[@]}"; do
    while read -r cmd; do
      # racecheck looks at shared memory only; the search kernel has none.
      if [ "$tool" = racecheck ] && [ "${cmd%% *}" = mine ]; then continue; fi
      # shellcheck disable=SC2086
      show "$sanitizer" --tool $tool --error-exitcode 99 --print-limit 20 "$HASHFLOP" $cmd
      rc=$?
      runs=$((runs + 1))
      if [ $rc -ne 0 ]; then errors=$((errors + 1)); failed+=("$tool ${cmd%% --device*} (exit $rc)"); fi
    done <<<"$list"
  done
  if [ $errors -eq 0 ]; then report passed "" "$runs sanitized runs (${tools[*]}), no errors"
  else report failed "$errors of $runs sanitized runs failed: ${failed[*]}"; fi
}

bench_step() {  # MODE FILTER JSON EXTRA...
  local mode=$1 filter=$2 json=$3
  shift 3
  if [ -z "$BENCH" ]; then report failed "hashflop_bench not found beside hashflop"; return 1; fi
  show "$BENCH" --benchmark_filter="$filter" --benchmark_out="$json" --benchmark_out_format=json \
    --benchmark_counters_tabular=true "$@"
  local rc=$? head prc
  head=$(py "$mode" "$json")
  prc=$?
  if [ $rc -ne 0 ]; then report failed "hashflop_bench exited $rc" "$head"; return 1; fi
  # Without a GPU each benchmark skips with the reason, and Google Benchmark still exits 0.
  if [ -n "$GPU_REASON" ]; then
    if [ $prc -eq 3 ]; then head="every benchmark skipped, saying why"; fi
    report skipped "$GPU_REASON" "$head"
    return 1
  fi
  if [ $prc -ne 0 ]; then report failed "benchmarks errored or skipped" "$head"; return 1; fi
  echo "$head" >"$tmp/$n.bench"
  return 0
}
export -f bench_step

step_pipes() {
  bench_step pipes '^int_pipes/' "$tmp/json/pipes.json" || return
  report passed "" "$(cat "$tmp/$n.bench")"
}

step_sha256d() {
  # No geometry given: the autotuner picks, and the genesis nonce (2083236893) must be among the
  # hits: the whole range, or with --quick the 2^26 nonces around it.
  local range=()
  if [ "$QUICK" -eq 1 ]; then range=(--start 2050000000 --count 67108864); fi
  show "$HASHFLOP" mine --device cuda:0 --header "$GENESIS" "${range[@]}" --json >"$tmp/json/mine.json"
  local rc=$? mine_head=""
  cat "$tmp/json/mine.json"
  if [ -n "$GPU_REASON" ]; then
    expect_no_gpu $rc "hashflop mine" || return
  else
    mine_head=$(py mine "$tmp/json/mine.json")
    if [ $rc -ne 0 ]; then report failed "hashflop mine exited $rc" "$mine_head"; return; fi
    case $mine_head in *2083236893*) ;; *) report failed "the genesis nonce was not found" "$mine_head"; return ;; esac
  fi
  if [ "$QUICK" -eq 1 ]; then
    if [ -n "$GPU_REASON" ]; then report skipped "$GPU_REASON" "stopped at the missing device, as expected"
    else report passed "" "mine: $mine_head (--quick: no benchmark)"; fi
    return
  fi
  bench_step sha256d_bench '^sha256d/cuda' "$tmp/json/sha256d_bench.json" --benchmark_min_time=0.1 || return
  report passed "" "mine: $mine_head | bench: $(cat "$tmp/$n.bench")"
}

step_gemm() {
  local shape size dtype rc bad=0
  for shape in $GEMM_SHAPES; do
    size=${shape%:*} dtype=${shape#*:}
    show "$HASHFLOP" gemm --device cuda:0 --size "$size" --dtype "$dtype" --json \
      >"$tmp/json/gemm-$size-$dtype.json"
    rc=$?
    cat "$tmp/json/gemm-$size-$dtype.json"
    if [ -n "$GPU_REASON" ]; then
      rm -f "$tmp/json/gemm-$size-$dtype.json"
      expect_no_gpu $rc "hashflop gemm" || return
    elif [ $rc -ne 0 ]; then
      bad=1
    fi
  done
  if [ -n "$GPU_REASON" ]; then report skipped "$GPU_REASON" "stopped at the missing device, as expected"; return; fi
  local head
  head=$(py gemm "$tmp/json")
  local prc=$?
  if [ $bad -ne 0 ] || [ $prc -ne 0 ]; then report failed "a GEMM run failed or was incorrect" "$head"
  else report passed "" "$head"; fi
}

step_run() {
  # shellcheck disable=SC2086  # RUN_ARGS is a list of options
  show "$HASHFLOP" run --device cuda:0 --workloads sha256d,gemm $RUN_ARGS --out "$out/run.json"
  local rc=$? head
  if [ -n "$GPU_REASON" ]; then
    expect_no_gpu $rc "hashflop run" && report skipped "$GPU_REASON" "stopped at the missing device, as expected"
    return
  fi
  head=$(py run "$out/run.json")
  if [ $rc -ne 0 ]; then report failed "hashflop run exited $rc" "$head"; else report passed "" "$head"; fi
}

step_transformer() {
  # The model file travels in the bundle (share/hashflop/models.json): without it this exits 2.
  # shellcheck disable=SC2086  # TRANSFORMER_ARGS is a list of options
  show "$HASHFLOP" run --device cuda:0 --workloads transformer --model llama-3.2-1b \
    $TRANSFORMER_ARGS --out "$out/transformer.json"
  local rc=$? head
  if [ -n "$GPU_REASON" ]; then
    expect_no_gpu $rc "hashflop run --workloads transformer" &&
      report skipped "$GPU_REASON" "stopped at the missing device, as expected"
    return
  fi
  head=$(py transformer "$out/transformer.json")
  local prc=$?
  if [ $rc -ne 0 ]; then report failed "hashflop run --workloads transformer exited $rc" "$head"
  elif [ $prc -ne 0 ]; then report failed "a transformer run failed verification" "$head"
  else report passed "" "$head"; fi
}
export -f step_devices step_verify step_tests step_sha256d step_gemm step_run step_transformer \
  step_sanitizer step_pipes

# --- cuBLAS and the GPU gate -------------------------------------------------------------------

# cuBLAS is loaded at run time; on the GPU image it lives in a Python wheel (nvidia-cublas), not
# in /usr/lib. Its folder goes first on LD_LIBRARY_PATH, and the note says what was found.
if [ -n "${HASHFLOP_CUBLAS_LIBRARY:-}" ]; then
  CUBLAS_NOTE="HASHFLOP_CUBLAS_LIBRARY=$HASHFLOP_CUBLAS_LIBRARY"
else
  cublas_dir=""
  if command -v python3 >/dev/null; then
    cublas_dir=$(python3 - "$CUBLAS_SONAME" 2>/dev/null <<'EOF'
import glob, os, sys
name = sys.argv[1]
roots = []
try:
    import nvidia.cublas
    roots += list(nvidia.cublas.__path__)
except Exception:
    pass
roots += [os.path.join(p, "nvidia") for p in sys.path if p]
for root in roots:
    hits = sorted(glob.glob(os.path.join(root, "**", name), recursive=True))
    if hits:
        print(os.path.dirname(os.path.realpath(hits[0])))
        break
EOF
)
  fi
  if [ -n "$cublas_dir" ]; then
    export LD_LIBRARY_PATH="$cublas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    CUBLAS_NOTE="$cublas_dir/$CUBLAS_SONAME (python3 $(command -v python3)), put first on LD_LIBRARY_PATH"
  elif ldconfig -p 2>/dev/null | grep -q "$CUBLAS_SONAME "; then
    CUBLAS_NOTE="$(ldconfig -p | grep -m1 "$CUBLAS_SONAME " | sed 's/.*=> //') (the system's)"
  else
    CUBLAS_NOTE="no $CUBLAS_SONAME in python3's site-packages or the ld.so cache: the cuBLAS variants will skip, saying so"
  fi
fi
export CUBLAS_NOTE

if [ $rehearse -eq 1 ]; then
  export CUDA_VISIBLE_DEVICES=""
fi
GPU_REASON=""
if gate=$("$HASHFLOP" devices --json 2>"$tmp/gate.err"); then
  echo "$gate" >"$tmp/gate.json"
  if command -v python3 >/dev/null; then
    GPU_REASON=$(py gate "$tmp/gate.json")
  elif ! grep -q '"id": "cuda:' "$tmp/gate.json"; then
    GPU_REASON="no CUDA device listed by hashflop devices"
  fi
else
  GPU_REASON="hashflop devices failed: $(head -c 300 "$tmp/gate.err")"
fi
if [ $rehearse -eq 1 ]; then GPU_REASON="rehearsal (--rehearse hides the GPUs): $GPU_REASON"; fi
export GPU_REASON REHEARSE=$rehearse

echo "gpu-check: binaries from $bin_dir; output in $out"
echo "gpu-check: cuBLAS: $CUBLAS_NOTE"
if [ -n "$GPU_REASON" ]; then echo "gpu-check: no usable GPU: $GPU_REASON"; fi

# --- running the steps -------------------------------------------------------------------------

: >"$tmp/steps.jsonl"
: >"$tmp/summary.txt"
: >"$LOG"
json_str() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/ /g' | tr -d '\n\r'; }
failures=0 unrun=0

# summary.txt and results.json as they stand: rewritten before and after every step, so a call
# cut off at its time limit still returns every verdict reached and says which step was running.
write_summary() {  # [RUNNING_LINE]
  local total=$(($(date +%s) - started))
  {
    echo "gpu-check summary ($(date -u +%Y-%m-%dT%H:%M:%SZ), ${total} s of a ${budget} s budget," \
      "$([ $quick -eq 1 ] && echo quick || echo full) mode, binaries from $bin_dir)"
    echo "cuBLAS: $CUBLAS_NOTE"
    cat "$tmp/summary.txt"
    if [ -n "${1:-}" ]; then
      echo "$1"
    elif [ $unrun -gt 0 ]; then
      echo "$failures step(s) failed, $unrun not run for lack of time"
    else
      echo "$failures step(s) failed"
    fi
  } >"$out/summary.txt.new" && mv "$out/summary.txt.new" "$out/summary.txt"
  if command -v python3 >/dev/null; then
    py merge "$tmp" >"$out/results.json.new" && mv "$out/results.json.new" "$out/results.json" ||
      echo "gpu-check: results.json could not be written" >&2
  fi
}

run_step() {  # NUM NAME LIMIT_SECONDS
  local num=$1 name=$2 limit=$3 status reason headline seconds rc
  n=$(printf %02d "$num")
  export n
  local now
  now=$(date +%s)
  local t0=$now
  if [ -n "$only" ] && [[ ",$only," != *",$num,"* ]]; then
    status=skipped reason="not selected (--steps $only)" headline=""
  elif [ $((deadline - now)) -lt 15 ]; then
    status=skipped reason="out of time: the check's ${budget} s budget is spent" headline=""
    unrun=$((unrun + 1))
  else
    if [ "$limit" -gt $((deadline - now)) ]; then limit=$((deadline - now)); fi
    echo "gpu-check: step $num $name (limit ${limit} s)"
    write_summary "$n $name running since $((now - started)) s (limit ${limit} s); its output so far is in gpu-check.log"
    echo "== step $num $name (limit ${limit} s, from $((now - started)) s)" >>"$LOG"
    timeout --kill-after=10 "$limit" bash -c "step_$name" >>"$LOG" 2>&1
    rc=$?
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
      status=failed reason="timed out after ${limit} s" headline=""
    elif [ -f "$tmp/$n.status" ]; then
      status=$(cat "$tmp/$n.status") reason=$(cat "$tmp/$n.reason") headline=$(cat "$tmp/$n.headline")
    else
      status=failed reason="the step ended without a verdict (exit $rc)" headline=""
    fi
    {
      echo "== step $num $name: $status${reason:+: $reason}"
      [ -n "$headline" ] && echo "== $headline"
      echo
    } >>"$LOG"
  fi
  seconds=$(($(date +%s) - t0))
  [ "$status" = failed ] && failures=$((failures + 1))
  printf '%s %-11s %-7s %4ss  %s%s\n' "$n" "$name" "$status" "$seconds" "${reason}" \
    "${headline:+${reason:+ | }$headline}" >>"$tmp/summary.txt"
  printf '{"step": %d, "name": "%s", "status": "%s", "seconds": %d, "reason": "%s", "headline": "%s"}\n' \
    "$num" "$name" "$status" "$seconds" "$(json_str "$reason")" "$(json_str "$headline")" \
    >>"$tmp/steps.jsonl"
  write_summary
}

# Limits are two to three times each step's estimate on an H100 (docs/gpu-check.md); the budget
# caps their sum.
if [ $quick -eq 1 ]; then
  run_step 1 devices 30
  run_step 2 verify 30
  run_step 3 tests 90
  run_step 4 sha256d 40
  run_step 5 gemm 60
  run_step 6 run 150
  run_step 7 transformer 90
  run_step 8 sanitizer 90
  run_step 9 pipes 30
else
  run_step 1 devices 30
  run_step 2 verify 30
  run_step 3 tests 90
  run_step 4 sha256d 90
  run_step 5 gemm 120
  run_step 6 run 360
  run_step 7 transformer 150
  run_step 8 sanitizer 150
  run_step 9 pipes 30
fi

echo
cat "$out/summary.txt"
[ $failures -eq 0 ] && [ $unrun -eq 0 ]
