#!/usr/bin/env python3
"""Reads the JSON that scripts/gpu-check.sh's steps write, for its verdicts and headlines.

  gpu_check_json.py MODE PATH

Prints one line. Exit status: 0 fine, 3 every benchmark skipped (no GPU), 4 something in the
file failed (a benchmark errored, a GEMM was incorrect, a measured run failed). Standard
library only: it runs on the build machine and on the GPU image alike.
"""
import glob
import json
import os
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def si(value, unit):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {prefix}{unit}"
    return f"{value:.3g} {unit}"


def gpus(doc):
    return [d for d in doc.get("devices", []) if d.get("id", "").startswith("cuda")]


def gate(path):
    """Empty when a CUDA device is usable, else why not."""
    doc = load(path)
    if gpus(doc):
        return ""
    return "; ".join(doc.get("cuda_unavailable", [])) or "no CUDA device listed"


def devices(path):
    doc = load(path)
    out = []
    for g in gpus(doc):
        p = g.get("properties", {})
        out.append(f"{g['id']} {g['name']}: {p.get('SMs')} SMs, cc {p.get('compute capability')}, "
                   f"L2 {p.get('L2 cache')}, SM clock {p.get('SM clock (max)')}, "
                   f"driver {p.get('driver version')}, runtime {p.get('runtime version')}")
    return "; ".join(out) or "only the CPU is listed"


def verify(path):
    checks = load(path).get("checks", [])
    bad = [c["name"] for c in checks if not c.get("passed")]
    return (f"{len(checks) - len(bad)} of {len(checks)} checks passed"
            + (": failed " + ", ".join(bad) if bad else ""))


def gtest(path):
    ran = failed = skipped = 0
    names = []
    for suite in load(path).get("testsuites", []):
        for t in suite.get("testsuite", []):
            ran += 1
            if t.get("failures"):
                failed += 1
                names.append(f"{suite['name']}.{t['name']}")
            elif t.get("result") == "SKIPPED":
                skipped += 1
    return (f"{ran} tests: {ran - failed - skipped} passed, {skipped} skipped, {failed} failed"
            + (" (" + ", ".join(names[:5]) + ")" if names else ""))


def short_name(name):
    """'int_pipes/shf/iterations:5/manual_time' -> 'int_pipes/shf': Google Benchmark's suffixes
    repeat what every row of a suite shares."""
    return "/".join(p for p in name.split("/")
                    if not p.startswith(("iterations:", "min_time:", "repeats:"))
                    and p not in ("manual_time", "real_time"))


def bench_rows(path):
    return [b for b in load(path).get("benchmarks", [])
            if b.get("run_type", "iteration") == "iteration"]


def bench_verdict(rows, text):
    errors = [b for b in rows if b.get("error_occurred")]
    if rows and len(errors) == len(rows):
        return "all skipped: " + errors[0].get("error_message", ""), 3
    if errors:
        first = errors[0]
        return f"{text}; {len(errors)} errored, first {first['name']}: {first.get('error_message')}", 4
    return text, 0


def pipes(path):
    rows = bench_rows(path)
    ok = [b for b in rows if not b.get("error_occurred")]
    text = "inst/clk/SM: " + ", ".join(
        f"{short_name(b['name']).split('/', 1)[1]} {b.get('inst_per_clk_per_sm', 0):.1f}"
        for b in ok)
    if ok:
        text += f"; SM clock {ok[0].get('sm_clock_mhz', 0):.0f} MHz"
    return bench_verdict(rows, text)


def sha256d_bench(path):
    rows = bench_rows(path)
    best = {}
    for b in rows:
        if b.get("error_occurred") or "/kernel/" not in b["name"]:
            continue
        name = short_name(b["name"])
        variant = name.split("/")[1]
        if b.get("items_per_second", 0) > best.get(variant, (0, ""))[0]:
            best[variant] = (b["items_per_second"], name.split("/kernel/")[1])
    pipeline = [b for b in rows if "/pipeline/" in b["name"] and not b.get("error_occurred")]
    text = "best kernel: " + ", ".join(f"{v} {si(r, 'H/s')} ({g})" for v, (r, g) in best.items())
    if pipeline:
        text += f"; pipeline {si(pipeline[0]['items_per_second'], 'H/s')}"
    return bench_verdict(rows, text)


def mine(path):
    doc = load(path)
    found = ",".join(str(f["nonce"]) for f in doc.get("found", [])) or "none"
    settings = ", ".join(f"{k}={v}" for k, v in doc.get("settings", {}).items())
    return (f"{si(doc['hashes_per_second'], 'H/s')} over {doc['nonces_tried']} nonces, "
            f"found {found}, mismatches {doc.get('mismatches')}; {settings}")


def gemm(folder):
    parts, bad = [], []
    for path in sorted(glob.glob(os.path.join(folder, "gemm-*.json"))):
        doc = load(path)
        for r in doc.get("runs", []):
            verdict = r["verification"]
            if verdict == "not_supported":
                # A dtype the variant does not compute is expected; anything else is news.
                if "does not take" not in r.get("reason", ""):
                    parts.append(f"{doc['m']} {r['dtype']} {r['variant']} skipped: {r.get('reason')}")
                continue
            parts.append(f"{doc['m']} {r['dtype']} {r['variant']} "
                         f"{r['flops_per_second'] / 1e12:.1f}"
                         + ("" if verdict == "passed" else f" {verdict}"))
            if verdict != "passed":
                bad.append(r["variant"])
    return "TFLOP/s: " + "; ".join(parts), 4 if bad else 0


def run(path):
    doc = load(path)
    head = doc.get("headline") or {}
    runs = doc.get("runs", [])
    energy = doc.get("harness", {}).get("energy_method", "?")
    per = []
    for r in runs:
        dtype = r.get("params", {}).get("dtype")
        unit = "H/s" if r["workload"] == "sha256d" else "FLOP/s"
        watts = f" {r['energy']['avg_watts']:.0f} W" if r.get("energy") else ""
        per.append(f"{r['variant']}{'/' + dtype if dtype else ''} {si(r['rate'], unit)}{watts}")
    text = f"energy {energy}; "
    if head.get("basis") == "energy":
        text += (f"{head['hashes_per_joule']:.4g} H/J vs {head['flops_per_joule']:.4g} FLOP/J "
                 f"({head['gemm_variant']} {head['gemm_dtype']}); ")
    text += ", ".join(per)
    bad = [r for r in runs
           if r.get("verification", {}).get("status") in ("failed", "incorrect")]
    return text, 4 if bad else 0


def transformer(path):
    doc = load(path)
    units = {"token": "tok/s", "byte": "B/s"}
    runs = [r for r in doc.get("runs", []) if r.get("workload") == "transformer"]
    per = []
    for r in runs:
        text = f"{r['variant']} {si(r['rate'], units.get(r.get('work_unit'), '/s'))}"
        if r.get("per_joule"):
            text += f" {r['per_joule']:.4g}/J"
        status = r.get("verification", {}).get("status")
        if status not in ("passed", None):
            text += f" {status}"
        per.append(text)
    notes = [w for w in doc.get("warnings", []) if "fit" in w]
    bad = [r for r in runs if r.get("verification", {}).get("status") in ("failed", "incorrect")]
    return ", ".join(per) + ("; " + "; ".join(notes) if notes else ""), 4 if bad else 0


def merge(folder):
    with open(os.path.join(folder, "steps.jsonl")) as f:
        steps = [json.loads(line) for line in f if line.strip()]
    merged = {"schema": "hashflop/gpu-check/v1", "steps": steps}
    for path in sorted(glob.glob(os.path.join(folder, "json", "*.json"))):
        if os.path.getsize(path) == 0:  # a command that stopped before printing (no GPU)
            continue
        key = os.path.basename(path)[:-len(".json")]
        try:
            merged[key] = load(path)
        except (OSError, ValueError) as e:
            merged[key] = {"unreadable": str(e)}
    return json.dumps(merged, indent=1)


MODES = {"gate": gate, "devices": devices, "verify": verify, "gtest": gtest, "pipes": pipes,
         "sha256d_bench": sha256d_bench, "mine": mine, "gemm": gemm, "run": run,
         "transformer": transformer, "merge": merge}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in MODES:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        result = MODES[sys.argv[1]](sys.argv[2])
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"({sys.argv[1]}: unreadable output: {e})")
        return 4
    text, code = result if isinstance(result, tuple) else (result, 0)
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
