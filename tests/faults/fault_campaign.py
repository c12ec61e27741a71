#!/usr/bin/env python3
"""A fault campaign over `run`, `recover`, `tune` and `report` (issue 29): stop signals at random
points, a full disk (a small tmpfs), read-only directories, special files at output and input
paths. Each case checks what must hold whatever happens: no crash (no exit by an unexpected
signal), an exit status the README documents, no hang, no half-written file at a target, no
temporary left behind, a results file that is either absent or whole, and a finished window
never lost. Not part of CI (it mounts tmpfs, so it wants root, and takes minutes):

    tests/faults/fault_campaign.py BUILD/hashflop [CASES_PER_KIND] [SEED]

Prints one line per failed case and the counts per kind; exit 1 if any case failed.
"""
import json
import os
import random
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = os.path.abspath(sys.argv[1])
PER_KIND = int(sys.argv[2]) if len(sys.argv) > 2 else 10
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 29)
ROOT = Path(tempfile.mkdtemp(prefix="hashflop-faults-"))
FIXTURE = Path(__file__).resolve().parents[1] / "fuzz/corpus/results_file/epyc-2core-cpu.json"
ENV = dict(os.environ, HASHFLOP_POWERCAP_ROOT="/nonexistent", HASHFLOP_HWMON_ROOT="/nonexistent",
           XDG_CACHE_HOME=str(ROOT / "cache"), TMPDIR=str(ROOT / "tmp"))
(ROOT / "tmp").mkdir()
DOCUMENTED = {0, 1, 2, 129, 130, 143}
counts, failures = {}, []


def case(kind, ok, detail):
    tried, failed = counts.get(kind, (0, 0))
    counts[kind] = (tried + 1, failed + (0 if ok else 1))
    if not ok:
        failures.append(f"{kind}: {detail}")


def leftovers(d):
    """Temporaries an atomic write left behind (.NAME.XXXXXX)."""
    return [p.name for p in Path(d).iterdir() if p.name.startswith(".") and p.name[1:].count(".") >= 1
            and not p.name.endswith(".lock") and p.name != ".plot.log"]


def whole_json(path):
    try:
        json.loads(Path(path).read_text())
        return True
    except Exception:
        return False


def hashflop(args, timeout=120, **kw):
    return subprocess.run([BIN] + args, env=ENV, capture_output=True, text=True, timeout=timeout,
                          **kw)


def run_args(out, reps=40):
    return ["run", "--device", "cpu", "--workloads", "sha256d", "--threads", "1", "--quick",
            "--duration", "0.2", "--repetitions", str(reps), "--cooldown", "0", "--out", str(out)]


def signals_during_run(i):
    d = ROOT / f"sig{i}"
    d.mkdir()
    out = d / "r.json"
    sig = rng.choice([signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
    delay = rng.uniform(0.05, 6.0)
    p = subprocess.Popen([BIN] + run_args(out), env=ENV, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    p.send_signal(sig)
    try:
        _, err = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        case("run + signal", False, f"{sig.name} after {delay:.2f} s: hung")
        return
    rc = p.returncode
    windows = err.count(": window ")
    ok = rc in DOCUMENTED and not leftovers(d)
    detail = f"{sig.name} after {delay:.2f} s: exit {rc}"
    if out.exists():
        ok = ok and whole_json(out)
        if whole_json(out):
            kept = sum(len(r["samples"]) for r in json.loads(out.read_text())["runs"])
            # Every window the progress said finished is in the file.
            ok = ok and kept >= windows
            detail += f", {windows} windows said, {kept} kept"
    elif windows > 0:
        ok = False
        detail += f", {windows} windows finished and no file"
    case("run + signal", ok, detail)


def full_disk(i):
    d = ROOT / f"full{i}"
    d.mkdir()
    size = rng.choice(["4k", "16k", "64k"])
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(d)]).returncode:
        case("full disk", False, "cannot mount tmpfs (not root?)")
        return
    try:
        # Fill it but for a few bytes, so the write fails part-way.
        with open(d / "filler", "wb") as f:
            try:
                f.write(b"x" * (1 << 20))
            except OSError:
                pass
        which = rng.choice(["run", "report", "tune"])
        if which == "run":
            r = hashflop(run_args(d / "r.json", reps=1))
            ok = r.returncode in (1, 2) and not (d / "r.json").exists()
            ok = ok and ("instead" in r.stderr or r.returncode == 2)
        elif which == "report":
            r = hashflop(["report", str(FIXTURE), "--no-plots", "--out", str(d / "rep")])
            ok = r.returncode in (1, 2) and not (d / "rep" / "report.md").exists()
        else:
            env = dict(ENV, XDG_CACHE_HOME=str(d / "cache"))
            r = subprocess.run([BIN, "tune", "--threads", "1", "--no-gemm"], env=env,
                               capture_output=True, text=True, timeout=120)
            wisdom = d / "cache" / "hashflop" / "wisdom.json"
            ok = r.returncode == 0 and "not saved" in r.stdout and (
                not wisdom.exists() or whole_json(wisdom))
        ok = ok and not leftovers(d) and r.returncode in DOCUMENTED
        case("full disk", ok, f"{which} on a {size} tmpfs: exit {r.returncode}: "
             f"{r.stderr.strip().splitlines()[-1:] if r.stderr.strip() else ''}")
    finally:
        subprocess.run(["umount", str(d)])


def read_only(i):
    """A read-only mount (as root, file modes would not stop a write)."""
    d = ROOT / f"ro{i}"
    d.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(d)]).returncode:
        case("read-only mount", False, "cannot mount tmpfs (not root?)")
        return
    try:
        which = rng.choice(["run", "run-nested", "report", "tune"])
        if which == "run":
            r = hashflop(run_args(d / "r.json", reps=1))
        elif which == "run-nested":
            r = hashflop(run_args(d / "sub" / "r.json", reps=1))
        elif which == "report":
            r = hashflop(["report", str(FIXTURE), "--no-plots", "--out", str(d / "rep")])
        else:
            env = dict(ENV, XDG_CACHE_HOME=str(d / "cache"))
            r = subprocess.run([BIN, "tune", "--threads", "1", "--no-gemm"], env=env,
                               capture_output=True, text=True, timeout=120)
        if which == "tune":
            ok = r.returncode == 0 and "not saved" in r.stdout
        else:
            # Refused before anything is measured, in one line that says why.
            ok = r.returncode == 2 and "Read-only file system" in r.stderr and \
                len(r.stderr.strip().splitlines()) == 1
        case("read-only mount", ok, f"{which}: exit {r.returncode}: {r.stderr.strip()[-200:]}")
    finally:
        subprocess.run(["umount", str(d)])


def special_files(i):
    d = ROOT / f"special{i}"
    d.mkdir()
    kind = rng.choice(["fifo-out", "devnull-link", "chardev-out", "fifo-in", "zero-in", "dir-out"])
    if kind == "fifo-out":
        os.mkfifo(d / "p")
        reader = subprocess.Popen(["cat", str(d / "p")], stdout=subprocess.PIPE)
        r = hashflop(run_args(d / "p", reps=1))
        copy = reader.communicate(timeout=60)[0]
        ok = r.returncode == 0 and stat.S_ISFIFO(os.stat(d / "p").st_mode) and json.loads(copy)
    elif kind == "devnull-link":
        os.symlink("/dev/null", d / "n")
        r = hashflop(run_args(d / "n", reps=1))
        ok = r.returncode == 0 and os.path.islink(d / "n") and \
            stat.S_ISCHR(os.stat("/dev/null").st_mode)
    elif kind == "chardev-out":
        os.mknod(d / "c", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        r = hashflop(run_args(d / "c", reps=1))
        ok = r.returncode == 0 and stat.S_ISCHR(os.lstat(d / "c").st_mode)
    elif kind == "fifo-in":
        os.mkfifo(d / "in.json")
        cmd = rng.choice([["report", str(d / "in.json"), "--no-plots", "--out", str(d / "rep")],
                          ["compare", str(d / "in.json"), str(FIXTURE)]])
        r = hashflop(cmd, timeout=30)
        ok = r.returncode == 2 and "FIFO" in r.stderr
    elif kind == "zero-in":
        os.symlink("/dev/zero", d / "in.json")
        r = hashflop(["report", str(d / "in.json"), "--no-plots", "--out", str(d / "rep")],
                     timeout=30)
        ok = r.returncode == 2 and "character device" in r.stderr
    else:
        (d / "out").mkdir()
        r = hashflop(run_args(d / "out", reps=1))
        ok = r.returncode == 2
    case("special file", ok and not leftovers(d), f"{kind}: exit {r.returncode}: {r.stderr[-200:]}")


def spool_damage(i):
    d = ROOT / f"spool{i}"
    d.mkdir()
    job = d / "job.json"
    src = Path(__file__).resolve().parents[1] / "fuzz/corpus/spool_file/run-and-end"
    lines = src.read_text().splitlines(keepends=True)
    damage = rng.choice(["truncate", "flip", "drop-header", "empty-samples", "dup-rank", "ok"])
    text = "".join(lines)
    if damage == "truncate":
        text = text[: rng.randrange(1, len(text))]
    elif damage == "flip":
        pos = rng.randrange(len(text))
        text = text[:pos] + chr(rng.randrange(32, 127)) + text[pos + 1:]
    elif damage == "drop-header":
        text = "".join(lines[1:])
    elif damage == "empty-samples":
        w = json.loads(lines[1])
        w["run"]["samples"] = []
        text = lines[0] + json.dumps(w) + "\n" + "".join(lines[1:])
    (d / "job.json.rank0.spool").write_text(text)
    if damage == "dup-rank":
        (d / "job.json.rank1.spool").write_text(text)
    r = hashflop(["recover", str(job)], timeout=60)
    spools = sorted(p.name for p in d.glob("*.spool"))
    if r.returncode == 0:
        ok = whole_json(job) and not spools
    else:
        ok = r.returncode == 2 and not job.exists() and spools
    case("recover", ok and r.returncode in DOCUMENTED, f"{damage}: exit {r.returncode}: "
         f"{r.stderr.strip()[-200:]}")


def tune_signal(i):
    d = ROOT / f"tune{i}"
    d.mkdir()
    env = dict(ENV, XDG_CACHE_HOME=str(d))
    p = subprocess.Popen([BIN, "tune", "--threads", "1", "--gemm-size", "256"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.05, 4.0))
    p.send_signal(rng.choice([signal.SIGINT, signal.SIGTERM, signal.SIGKILL]))
    p.wait(timeout=60)
    wisdom = d / "hashflop" / "wisdom.json"
    ok = (not wisdom.exists() or whole_json(wisdom)) and not leftovers(d / "hashflop") \
        if (d / "hashflop").exists() else True
    case("tune + signal", ok, f"exit {p.returncode}")


for kind in (signals_during_run, full_disk, read_only, special_files, spool_damage, tune_signal):
    for i in range(PER_KIND):
        try:
            kind(i)
        except Exception as e:  # a failed expectation in the campaign itself
            case(kind.__name__, False, f"campaign error: {e!r}")
for f in failures:
    print("FAIL", f)
total = sum(t for t, _ in counts.values())
lost = sum(f for _, f in counts.values())
for k, (t, f) in counts.items():
    print(f"{k}: {t} cases, {f} failed")
print(f"fault campaign: {total} cases, {lost} failed (seed {sys.argv[3] if len(sys.argv) > 3 else 29})")
subprocess.run(["rm", "-rf", str(ROOT)])
sys.exit(1 if lost else 0)
