#!/usr/bin/env bash
# scripts/gpu-check.sh's GPU path, without a GPU: stand-ins for hashflop, hashflop_tests,
# hashflop_bench, nvidia-smi and compute-sanitizer make it believe cuda:0 is an H200. The
# hashflop stand-in runs the real binary on the CPU at small sizes, so every step parses real
# JSON; the benchmark stand-in writes Google Benchmark JSON of the shape the CUDA suites produce.
# Every step must pass, and results.json must hold each step's JSON. That path runs for real only
# on a GPU, once, inside a short lease: a parsing mistake found there costs the lease.
#
# Usage: gpu_check_fake_gpu.sh SOURCE_DIR HASHFLOP HASHFLOP_TESTS WORK_DIR
set -euo pipefail
src=$1 real=$2 real_tests=$3 work=$4
rm -rf "$work"
mkdir -p "$work/bin"
fake=$work/bin

cat >"$fake/hashflop" <<EOF
#!/usr/bin/env bash
# Runs the real hashflop on the CPU, at sizes that take seconds there.
real=$real
EOF
cat >>"$fake/hashflop" <<'EOF'
args=()
for a in "$@"; do args+=("${a/cuda:0/cpu}"); done
case $1 in
  devices)
    if [ "${2:-}" = --json ]; then
      "$real" devices --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
d["cuda_unavailable"] = []
d["devices"].append({"id": "cuda:0", "name": "NVIDIA H200 (stand-in)", "properties": {
    "SMs": "132", "compute capability": "9.0", "L2 cache": "60 MiB",
    "SM clock (max)": "1980 MHz", "driver version": "13.0", "runtime version": "13.0"}})
print(json.dumps(d, indent=2))'
    else
      "$real" devices
      echo "cuda:0: NVIDIA H200 (stand-in)"
    fi ;;
  mine)
    # The whole nonce range would take half an hour on a CPU: a range around the genesis nonce.
    if [[ " $* " != *" --count "* ]]; then args+=(--start 2083230000 --count 20000); fi
    exec "$real" "${args[@]}" ;;
  gemm)
    # A CPU runs fp32 only (other dtypes are a usage error there): the stand-in GPU's bf16, fp16
    # and tf32 runs are fp32 runs on the CPU, which is enough to check that each step parses.
    for i in "${!args[@]}"; do
      if [ "${args[$i]}" = --size ]; then args[i+1]=96; fi
      if [ "${args[$i]}" = --dtype ]; then args[i+1]=fp32; fi
    done
    exec "$real" "${args[@]}" ;;
  run)
    out= workloads=
    for i in "${!args[@]}"; do
      if [ "${args[$i]}" = --out ]; then out=${args[i+1]}; fi
      if [ "${args[$i]}" = --workloads ]; then workloads=${args[i+1]}; fi
    done
    if [ "$workloads" = transformer ]; then
      exec "$real" run --device cpu --workloads transformer --model llama-3.2-1b --prefill 1x16 \
        --decode 2 --context 32 --quick --duration 0.2 --repetitions 1 --cooldown 0 --out "$out"
    fi
    exec "$real" run --device cpu --quick --duration 0.2 --repetitions 2 --cooldown 0 \
      --gemm-size 64 --out "$out" ;;
  *) exec "$real" "${args[@]}" ;;
esac
EOF

cat >"$fake/hashflop_tests" <<EOF
#!/usr/bin/env bash
# FAKE_SLOW_TESTS: a step long enough to be killed in the middle of.
if [ -n "\${FAKE_SLOW_TESTS:-}" ]; then sleep 60; fi
exec $real_tests "\$@"
EOF

cat >"$fake/hashflop_bench" <<'EOF'
#!/usr/bin/env bash
# Google Benchmark JSON of the CUDA suites' shape, for the filter asked.
for a in "$@"; do
  case $a in
    --benchmark_out=*) out=${a#*=} ;;
    --benchmark_filter=*) filter=${a#*=} ;;
  esac
done
python3 - "$filter" "$out" <<'PY'
import json, sys
flt, out = sys.argv[1], sys.argv[2]
rows = []
if "int_pipes" in flt:
    for name, rate in (("shf", 62.5), ("lop3", 62.5), ("iadd3", 62.5), ("imad", 62.5),
                       ("imad.hi", 31.3), ("shf+imad", 125.0), ("shf+imad.hi", 62.5)):
        rows.append({"name": f"int_pipes/{name}/iterations:5/manual_time", "run_type": "iteration",
                     "iterations": 5, "items_per_second": rate * 132 * 1.98e9,
                     "inst_per_clk_per_sm": rate, "inst_per_clk_per_sm_min": rate - 0.5,
                     "sm_clock_mhz": 1980.0, "sms": 132.0})
else:
    for variant, rate in (("cuda", 7.0e9), ("cuda-imad", 8.6e9)):
        for tpb in ("occupancy", "256"):
            rows.append({"name": f"sha256d/{variant}/kernel/tpb:{tpb}/npt:64/manual_time",
                         "run_type": "iteration", "iterations": 10, "items_per_second": rate})
    rows.append({"name": "sha256d/cuda/pipeline/tpb:occupancy/npt:64/iterations:5/manual_time",
                 "run_type": "iteration", "iterations": 5, "items_per_second": 6.8e9})
json.dump({"context": {}, "benchmarks": rows}, open(out, "w"), indent=1)
PY
EOF

cat >"$fake/nvidia-smi" <<'EOF'
#!/usr/bin/env bash
case "${1:-}" in
  -L) echo "GPU 0: NVIDIA H200 (UUID: GPU-stand-in)" ;;
  *) echo "stand-in nvidia-smi $*" ;;
esac
EOF

cat >"$fake/compute-sanitizer" <<'EOF'
#!/usr/bin/env bash
# compute-sanitizer --tool T --error-exitcode N --print-limit N PROGRAM ARGS...: runs PROGRAM.
while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do shift 2; done
"$@"
rc=$?
echo "========= ERROR SUMMARY: 0 errors"
exit $rc
EOF
chmod +x "$fake"/*

# Both modes: the full check, then the quick rerun mode into the same folder (which it clears).
for mode in full quick; do
  status=0
  flags=()
  if [ $mode = quick ]; then flags=(--quick); fi
  PATH=$fake:$PATH "$src/scripts/gpu-check.sh" --bin "$fake" "${flags[@]}" "$work/out" || status=$?
  if [ $status -ne 0 ]; then
    echo "FAIL: gpu-check.sh ($mode) exited $status with a (stand-in) GPU"
    exit 1
  fi
  if [ "$(grep -cE '^0[1-9] ' "$work/out/summary.txt")" -ne 9 ] ||
    grep -E '^0[1-9] ' "$work/out/summary.txt" | grep -v ' passed '; then
    echo "FAIL: ($mode) not every one of the 9 steps passed"
    cat "$work/out/summary.txt"
    exit 1
  fi
  python3 - "$work/out" "$mode" <<'EOF'
import json, os, sys
out, mode = sys.argv[1], sys.argv[2]
d = json.load(open(os.path.join(out, "results.json")))
want = {"devices", "verify", "tests", "pipes", "mine", "gemm-4096-fp32", "gemm-4096-bf16"}
if mode == "full":
    want |= {"sha256d_bench", "gemm-4096-tf32", "gemm-4096-fp16", "gemm-8192-bf16"}
missing = want - set(d)
bad = [s["name"] for s in d["steps"] if s["status"] != "passed" or not s["headline"]]
if missing or bad:
    sys.exit(f"FAIL ({mode}): results.json lacks {sorted(missing)}; steps without a pass and "
             f"headline: {bad}")
# The device tool returns at most 8 files, and a killed call returns only what is in the folder.
files = sorted(os.listdir(out))
expected = ["gpu-check.log", "results.json", "run.json", "summary.txt", "transformer.json"]
if files != expected:
    sys.exit(f"FAIL ({mode}): the output folder holds {files}, not {expected}")
for name in ("run.json", "transformer.json"):
    json.load(open(os.path.join(out, name)))
log = open(os.path.join(out, "gpu-check.log")).read()
verdicts = [l for l in log.splitlines() if l.startswith("== step ") and l.endswith(": passed")]
if len(verdicts) != 9:
    sys.exit(f"FAIL ({mode}): gpu-check.log has {len(verdicts)} passed step verdicts, not 9")
print(f"ok ({mode}): every step passed with a headline; results.json, run.json and "
      "transformer.json hold the steps' JSON, in 5 files")
EOF
done

# A call cut off mid-step still returns every verdict reached: kill the check during step 3 (made
# slow) and read what it left.
PATH=$fake:$PATH FAKE_SLOW_TESTS=1 setsid "$src/scripts/gpu-check.sh" --bin "$fake" --quick \
  "$work/cut" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do
  grep -q "^03 tests .*running" "$work/cut/summary.txt" 2>/dev/null && break
  sleep 0.1
done
kill -9 -- -$pid 2>/dev/null || true
wait $pid 2>/dev/null || true
if ! grep -q "^01 devices .*passed" "$work/cut/summary.txt" ||
  ! grep -q "^02 verify .*passed" "$work/cut/summary.txt" ||
  ! grep -q "^03 tests .*running" "$work/cut/summary.txt"; then
  echo "FAIL: a check killed in step 3 did not leave steps 1 and 2's verdicts and step 3 running"
  cat "$work/cut/summary.txt" 2>/dev/null
  exit 1
fi
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert "verify" in d, list(d)' \
  "$work/cut/results.json"
echo "ok: killed in step 3, the folder keeps steps 1 and 2 and says that step 3 was running"
