#!/usr/bin/env bash
# ctest paired_smoke: scripts/paired-runs.sh runs the first two single-thread CPU sha256d
# benchmarks of one hashflop_bench as both sides, 2 pairs, briefly; `hashflop compare --paired`
# must read them and write well-formed JSON and Markdown: both benchmarks, 2 log ratios each,
# an interval, a known verdict. Any verdict is accepted (2 pairs cannot confirm anything): this
# gates no timing. Then the bad input that needs no build: mismatched benchmark sets
# (paired-runs.sh) and an unknown revision (ci-regression.sh) each exit 2 with one line.
#
# Usage: paired_smoke.sh SOURCE_DIR HASHFLOP_BENCH HASHFLOP WORK_DIR
set -euo pipefail
src=$1 bench=$2 hashflop=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
fail() { echo "paired_smoke: $*" >&2; exit 1; }

# Names hold [a-z0-9/:-] only: no regex escaping is needed to match them exactly.
two=$("$bench" --benchmark_list_tests --benchmark_filter='^sha256d/cpu/[a-z0-9-]+/threads:1/' |
  awk 'NR <= 2' | paste -sd'|' -)
[[ -n "$two" ]] || fail "no single-thread sha256d benchmark listed"
pin=none
if command -v taskset >/dev/null; then pin=0; fi
"$src/scripts/paired-runs.sh" "$bench" "$bench" "$work/runs" --pairs 2 --min-time 0.01 \
  --pin "$pin" --filter "^($two)\$" 2>"$work/runs.log" || fail "paired-runs.sh: $(tail -1 "$work/runs.log")"
for side in base candidate; do
  for f in pair-0-0 pair-0-1 pair-1-0 pair-1-1; do
    [[ -s "$work/runs/$side/$f.json" ]] || fail "no $side/$f.json (one file per pair and benchmark)"
  done
done

rc=0
"$hashflop" compare --paired --allow-inconclusive --format json "$work/runs/base" \
  "$work/runs/candidate" >"$work/compare.json" || rc=$?
[[ $rc -le 1 ]] || fail "compare --paired exited $rc"
python3 - "$work/compare.json" <<'PY' || fail "malformed compare --paired JSON: $work/compare.json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["paired"] is True
assert len(j["pairs"]) == 2, j["pairs"]
for p in j["pairs"]:
    assert p["verdict"] in ("same", "faster", "slower", "noisy", "inconclusive"), p
    assert [r["pair"] for r in p["log_ratios"]] == [0, 1], p
    assert p["interval"]["low_pct"] <= p["change_pct"] <= p["interval"]["high_pct"], p
    assert p["base"]["n"] == 2 and p["candidate"]["n"] == 2, p
assert j["exit_code"] in (0, 1)
PY
"$hashflop" compare --paired --allow-inconclusive --format md "$work/runs/base" \
  "$work/runs/candidate" >"$work/compare.md" || true
grep -q '^| benchmark | verdict | change | p | spread | base | candidate |$' "$work/compare.md" ||
  fail "no Markdown table in $work/compare.md"
[[ $(grep -c '^| `sha256d/cpu/' "$work/compare.md") == 2 ]] || fail "not 2 rows in $work/compare.md"

# Benchmark sets that differ: a stand-in candidate that lists one more benchmark. exit 2, one
# line naming the difference, and nothing run.
printf '#!/bin/sh\n"%s" "$@"\necho sha256d/cpu/only-here/threads:1/real_time\n' "$bench" \
  >"$work/other-bench"
chmod +x "$work/other-bench"
rc=0
"$src/scripts/paired-runs.sh" "$bench" "$work/other-bench" "$work/mismatch" --pairs 2 \
  --min-time 0.01 --pin none --filter "^($two)\$" 2>"$work/mismatch.err" || rc=$?
[[ $rc == 2 ]] || fail "paired-runs.sh on mismatched sets: exit $rc, not 2"
[[ $(wc -l <"$work/mismatch.err") == 1 ]] &&
  grep -q "only in the base: none; only in the candidate: sha256d/cpu/only-here/" \
    "$work/mismatch.err" || fail "paired-runs.sh on mismatched sets said: $(cat "$work/mismatch.err")"
[[ ! -e "$work/mismatch/base" ]] || fail "paired-runs.sh ran despite mismatched sets"

if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  rc=0
  "$src/scripts/ci-regression.sh" --base no-such-revision-xyz --allow-dirty --work "$work/base" \
    --out "$work/out" >"$work/bad.out" 2>"$work/bad.err" || rc=$?
  [[ $rc == 2 ]] || fail "ci-regression.sh --base no-such-revision: exit $rc, not 2"
  [[ $(wc -l <"$work/bad.err") == 1 ]] && grep -q "unknown revision" "$work/bad.err" ||
    fail "ci-regression.sh --base no-such-revision: not one line: $(cat "$work/bad.err")"
  [[ ! -e "$work/base" || -z "$(ls -A "$work/base")" ]] || fail "a bad revision left a worktree"
fi
echo "paired_smoke: 2 benchmarks x 2 pairs, compare --paired output well-formed"
