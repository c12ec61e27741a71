#!/usr/bin/env bash
# Issue 15's GEMM measurement, by hand (timing belongs on a quiet machine, not in ctest): our
# tiled fp32 variants against OpenBLAS, side by side in one `hashflop gemm --impl all` per round,
# ROUNDS rounds per size and thread count. The wisdom file starts empty, so the first round of
# each shape calibrates the block sizes (outside the timed batches) and later rounds reuse them.
# Prints every round's rates and, per row, the median rates and the median of the per-round
# ratios to OpenBLAS.
#
#   tests/perf/gemm_vs_openblas.sh HASHFLOP [ROUNDS=3] [SIZES="1024 1999 2048 4096"] [THREADS="1 N"]
set -euo pipefail
hashflop=${1:?usage: gemm_vs_openblas.sh HASHFLOP [ROUNDS] [SIZES] [THREADS]}
rounds=${2:-3}
sizes=${3:-1024 1999 2048 4096}
threads_list=${4:-1 $(nproc)}
XDG_CACHE_HOME=$(mktemp -d)
export XDG_CACHE_HOME
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
rows=$XDG_CACHE_HOME/rows.tsv
for size in $sizes; do
  for threads in $threads_list; do
    for ((r = 1; r <= rounds; r++)); do
      load=$(cut -d' ' -f1 /proc/loadavg)
      "$hashflop" gemm --size "$size" --threads "$threads" --impl all --json 2>/dev/null |
        python3 -c '
import json, sys
j = json.load(sys.stdin)
for run in j["runs"]:
    if run["variant"].startswith("stream"): continue
    sel = run.get("selection") or {}
    print("\t".join([sys.argv[1], sys.argv[2], sys.argv[3], run["variant"],
                     "%.1f" % (run["flops_per_second"] / 1e9), run["verification"],
                     run.get("settings", ""), "%.1f" % sel.get("calibration_s", 0), sys.argv[4]]))
' "$size" "$threads" "$r" "$load" | tee -a "$rows"
    done
  done
done
python3 - "$rows" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print("\n| size | threads | avx512 GFLOP/s (rounds) | avx2 | OpenBLAS | avx512/OpenBLAS per round | median ratio | avx2/OpenBLAS median ratio | load |")
print("|---|---|---|---|---|---|---|---|---|")
for key in dict.fromkeys((r[0], r[1]) for r in rows):
    mine = [r for r in rows if (r[0], r[1]) == key]
    rate = lambda v: {r[2]: float(r[4]) for r in mine if r[3] == v}
    a512, a2, ob = rate("avx512"), rate("avx2"), rate("openblas")
    rounds = sorted(ob)
    ratio = lambda v: [v[i] / ob[i] for i in rounds if i in v]
    fmt = lambda v: " / ".join("%.1f" % v[i] for i in rounds if i in v) + \
        " (med %.1f)" % statistics.median(v.values()) if v else "-"
    loads = " ".join(dict.fromkeys(r[8] for r in mine))
    print(f"| {key[0]} | {key[1]} | {fmt(a512)} | {fmt(a2)} | {fmt(ob)} | "
          f"{' / '.join('%.2f' % x for x in ratio(a512))} | **{statistics.median(ratio(a512)):.2f}** | "
          f"{statistics.median(ratio(a2)):.2f} | {loads} |")
PY
