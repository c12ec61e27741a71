#!/usr/bin/env bash
# Sensitivity of the regression gate, measured (results/baselines/README.md holds the table):
# false alarms in A/A runs (this commit against itself, two separate builds) and detections of
# planted slowdowns (plants/*.patch: the sha256d CPU benchmarks hash 3% or 5% more nonces than
# they count, real work in the benchmark body, not in the product), each condition RUNS times,
# through scripts/ci-regression.sh --base (paired), and the same runs judged unpaired: all base
# runs against all candidate runs with Mann-Whitney (`hashflop compare` on the pooled files).
# Conditions alternate (A/A, 5%, 3%, A/A, ...) so drift over the session hits all of them.
#
#   tests/regression/sensitivity.sh [--runs N] [--pairs N] [--min-time S] [--pin CPU]
#                                   [--threshold PCT] [--out DIR]
# Writes OUT/summary.tsv (one line per run and benchmark) and prints the Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
runs=10 pairs=8 min_time=0.1 pin="" threshold=2 out=build/sensitivity
filter='^(sha256d/cpu/[^/]+/threads:1/|gemm/cpu/(avx2|avx512|openblas)/fp32/1024x1024x1024/threads:1/)'
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --min-time) min_time="$2"; shift 2 ;;
    --pin) pin="$2"; shift 2 ;;
    --threshold) threshold="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "sensitivity.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
commit=$(git rev-parse HEAD)
work=$root/build/regression
mkdir -p "$work" "$out"
out=$(cd "$out" && pwd)

# A candidate tree: this commit in a worktree with one patch applied (none for A/A), made once
# and reused; a worktree of its own so edits here during the session cannot reach it.
plant_tree() {  # name -> path
  local dir="$work/plant-$1-${commit:0:12}"
  if [[ ! -f "$dir.ready" ]]; then
    git worktree remove --force "$dir" >/dev/null 2>&1 || rm -rf "$dir"
    git worktree add --detach "$dir" "$commit" >/dev/null 2>&1
    if [[ $1 != none ]]; then git -C "$dir" apply "$root/tests/regression/plants/slower-$1.patch"; fi
    touch "$dir.ready"
  fi
  echo "$dir"
}
declare -A tree=([aa]="$(plant_tree none)" [5pct]="$(plant_tree 5pct)" [3pct]="$(plant_tree 3pct)")

gate=(--pairs "$pairs" --filter "$filter" --min-time "$min_time" --threshold "$threshold"
  --allow-dirty --work "$work")
[[ -z "$pin" ]] || gate+=(--pin "$pin")
# Pools one side's runs into one Google Benchmark file: the unpaired mode's input.
pool() {
  python3 - "$@" <<'PY'
import json, sys, glob
out, folder = sys.argv[1], sys.argv[2]
runs = [json.load(open(f)) for f in sorted(glob.glob(folder + "/*.json"))]
merged = {"context": runs[0]["context"], "benchmarks": [b for r in runs for b in r["benchmarks"]]}
json.dump(merged, open(out, "w"))
PY
}
hashflop=${tree[aa]}/build/regression-candidate/hashflop
echo -e "condition\trun\tmode\tbenchmark\tverdict\tchange_pct\tp\texit\tload" >"$out/summary.tsv"
for ((r = 1; r <= runs; r++)); do
  for cond in aa 5pct 3pct; do
    d="$out/$cond-$r"
    rm -rf "$d"
    load=$(cut -d' ' -f1 /proc/loadavg)
    rc=0
    "${tree[$cond]}/scripts/ci-regression.sh" --base "$commit" --out "$d" "${gate[@]}" \
      >/dev/null 2>"$d.log" || rc=$?
    [[ $rc -le 1 ]] || { echo "sensitivity.sh: $cond run $r failed (exit $rc): $(tail -1 "$d.log")" >&2; exit 2; }
    pool "$d/base.json" "$d/paired/base"
    pool "$d/candidate.json" "$d/paired/candidate"
    urc=0
    "$hashflop" compare --format json --threshold "$threshold" "$d/base.json" \
      "$d/candidate.json" >"$d/unpaired.json" || urc=$?
    python3 - "$cond" "$r" "$rc" "$urc" "$load" "$d" >>"$out/summary.tsv" <<'PY'
import json, sys
cond, run, rc, urc, load, d = sys.argv[1:]
for mode, file, code in (("paired", "regression.json", rc), ("unpaired", "unpaired.json", urc)):
    for p in json.load(open(f"{d}/{file}"))["pairs"]:
        print("\t".join([cond, run, mode, p["name"], p["verdict"], f'{p["change_pct"]:.2f}',
                         f'{p["p_value"]:.4g}', code, load]))
PY
    echo "sensitivity: $cond run $r: paired exit $rc, unpaired exit $urc, load $load" >&2
  done
done
python3 "$root/tests/regression/sensitivity_table.py" "$out/summary.tsv"
