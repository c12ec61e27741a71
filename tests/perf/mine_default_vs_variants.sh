#!/usr/bin/env bash
# Issue 15's acceptance measurement, by hand (not a ctest: timing belongs on a quiet machine):
# does `hashflop mine` without --variant run the fastest variant? With an empty wisdom file,
# `hashflop tune` calibrates for each thread count (1 and all cores), then ROUNDS alternating
# rounds of `mine` on the genesis header: the default and every variant the CPU runs, in an
# order that rotates each round, so drift reaches all of them alike. Each run searches about
# SECONDS worth of nonces at its variant's calibrated rate. Prints one TSV line per run and, per
# thread count, the median rate of each, the default's variant and its ratio to the best median.
#
#   tests/perf/mine_default_vs_variants.sh HASHFLOP [ROUNDS=3] [SECONDS=3]
set -euo pipefail
hashflop=${1:?usage: mine_default_vs_variants.sh HASHFLOP [ROUNDS] [SECONDS]}
rounds=${2:-3}
seconds=${3:-3}
genesis=0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c
XDG_CACHE_HOME=$(mktemp -d)
export XDG_CACHE_HOME
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
all=$(nproc)
out=$(mktemp)
echo -e "threads\tround\trun\tvariant\tMH/s\tload" | tee "$out"
for threads in 1 $([[ $all -gt 1 ]] && echo "$all"); do
  "$hashflop" tune --device cpu --threads "$threads" --no-gemm --json >"$XDG_CACHE_HOME/tune-$threads.json"
  python3 - "$XDG_CACHE_HOME/tune-$threads.json" >&2 <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); s = t["selection"]
rates = ", ".join(f'{c["name"]} {c["rate"] / 1e6:.1f}' for c in s["candidates"] if c.get("rate"))
print(f'tune, {t["threads"]} threads: {s["choice"]} ({s["chosen_by"]}, CPUID default '
      f'{t["uncalibrated_default"]}) in {s["calibration_s"]:.2f} s; MH/s: {rates}')
PY
  # "name count" per passing variant, and "default count" at the chosen one's rate.
  declare -A count=()
  while read -r name n; do count[$name]=$n; done < <(python3 - "$seconds" \
    "$XDG_CACHE_HOME/tune-$threads.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[2]))["selection"]
n = {c["name"]: max(10**6, int(c["rate"] * float(sys.argv[1])))
     for c in s["candidates"] if c["verification"] == "passed"}
for name, v in n.items(): print(name, v)
print("default", n[s["choice"]])
PY
  )
  runs=(default)
  for name in "${!count[@]}"; do [[ $name == default ]] || runs+=("$name"); done
  for ((r = 1; r <= rounds; r++)); do
    for ((i = 0; i < ${#runs[@]}; i++)); do
      run=${runs[$(((i + r - 1) % ${#runs[@]}))]}
      args=(mine --header "$genesis" --start 0 --count "${count[$run]}" --threads "$threads" --json)
      [[ $run == default ]] || args+=(--variant "$run")
      load=$(cut -d' ' -f1 /proc/loadavg)
      "$hashflop" "${args[@]}" | python3 -c '
import json, sys
j = json.load(sys.stdin)
print("\t".join([sys.argv[1], sys.argv[2], sys.argv[3], j["variant"],
                 "%.2f" % (j["hashes_per_second"] / 1e6), sys.argv[4]]))' \
        "$threads" "$r" "$run" "$load" | tee -a "$out"
    done
  done
done
python3 - "$out" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for threads in dict.fromkeys(r["threads"] for r in rows):
    mine = [r for r in rows if r["threads"] == threads]
    med = {}
    for run in dict.fromkeys(r["run"] for r in mine):
        med[run] = statistics.median(float(r["MH/s"]) for r in mine if r["run"] == run)
    best = max((v for k, v in med.items() if k != "default"))
    chosen = {r["variant"] for r in mine if r["run"] == "default"}
    print(f"\n{threads} threads, medians of {len(mine) // len(med)} rounds (MH/s):")
    for run, v in med.items():
        print(f"  {run:<14} {v:8.2f}  {v / best:6.3f} of the best")
    print(f"  default ran {', '.join(sorted(chosen))}: {med['default'] / best:.3f} of the best "
          f"variant's median")
PY
rm -f "$out"
