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
    out=
    for i in "${!args[@]}"; do
      if [ "${args[$i]}" = --out ]; then out=${args[i+1]}; fi
    done
    exec "$real" run --device cpu --quick --duration 0.2 --repetitions 2 --cooldown 0 \
      --gemm-size 64 --out "$out" ;;
  *) exec "$real" "${args[@]}" ;;
esac
EOF

cat >"$fake/hashflop_tests" <<EOF
#!/usr/bin/env bash
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

status=0
PATH=$fake:$PATH "$src/scripts/gpu-check.sh" --bin "$fake" "$work/out" || status=$?
if [ $status -ne 0 ]; then
  echo "FAIL: gpu-check.sh exited $status with a (stand-in) GPU"
  exit 1
fi
if grep -E '^0[1-8] ' "$work/out/summary.txt" | grep -v ' passed '; then
  echo "FAIL: a step did not pass"
  exit 1
fi
python3 - "$work/out/results.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
want = {"devices", "verify", "tests", "pipes", "mine", "sha256d_bench", "gemm-4096-fp32",
        "gemm-4096-tf32", "gemm-4096-bf16", "gemm-4096-fp16", "gemm-8192-bf16", "run"}
missing = want - set(d)
bad = [s["name"] for s in d["steps"] if s["status"] != "passed" or not s["headline"]]
if missing or bad:
    sys.exit(f"FAIL: results.json lacks {sorted(missing)}; steps without a pass and headline: {bad}")
print("ok: every step passed with a headline, results.json holds each step's JSON")
EOF
