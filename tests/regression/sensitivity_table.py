#!/usr/bin/env python3
"""The sensitivity table from sensitivity.sh's summary.tsv, as Markdown.

A run is a false alarm (A/A) when the gate fails: exit 1, from any verdict (slower, missing,
inconclusive). A run detects a plant when the gate fails and at least one planted benchmark
(sha256d, the only ones the patches touch) reads `slower`. Benchmark counts are given too; the
unplanted GEMM benchmarks in the plant runs are false alarms when flagged."""
import collections
import statistics
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])][1:]
runs = collections.defaultdict(list)  # (condition, mode, run) -> rows
for r in rows:
    runs[(r[0], r[2], r[1])].append(r)
print("| condition | mode | runs flagged (A/A: false alarms; plants: detections) | "
      "planted benchmarks `slower` | "
      "unplanted benchmarks flagged | median change of planted (A/A: all) | load average |")
print("|---|---|--:|--:|--:|--:|--:|")
for cond, label in (("aa", "A/A (same commit)"), ("5pct", "planted ~5%"), ("3pct", "planted ~3%")):
    for mode in ("paired", "unpaired"):
        keys = sorted((k for k in runs if k[0] == cond and k[1] == mode), key=lambda k: int(k[2]))
        if not keys:
            continue
        failing = planted_slow = planted_total = other_flagged = other_total = 0
        changes, loads = [], []
        for k in keys:
            rs = runs[k]
            loads.append(float(rs[0][8]))
            planted = [r for r in rs if cond != "aa" and r[3].startswith("sha256d/")]
            others = [r for r in rs if r not in planted]
            gate_failed = rs[0][7] == "1"
            if cond == "aa":
                failing += gate_failed
            else:
                failing += gate_failed and any(r[4] == "slower" for r in planted)
            planted_slow += sum(r[4] == "slower" for r in planted)
            planted_total += len(planted)
            other_flagged += sum(r[4] not in ("same", "noisy") for r in others)
            other_total += len(others)
            changes += [float(r[5]) for r in (planted or rs)]
        print(f"| {label} | {mode} | {failing}/{len(keys)} | "
              f"{planted_slow}/{planted_total if cond != 'aa' else 0} | "
              f"{other_flagged}/{other_total} | {statistics.median(changes):+.2f}% | "
              f"{min(loads):.1f}-{max(loads):.1f} |")
