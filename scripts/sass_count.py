#!/usr/bin/env python3
"""Counts SASS instructions in the hot loop of each kernel in `cuobjdump -sass` output.

  cuobjdump -sass -arch sm_90 build/dev/hashflop > k.sass
  scripts/sass_count.py k.sass                 # sha256d: instructions per nonce
  cuobjdump -sass -arch sm_90 build/dev/hashflop_bench > b.sass
  scripts/sass_count.py --pipes b.sass         # int_pipes: loop body per kernel, checked

The hot loop is the code between a loop head and its backward BRA; the longest such loop is
taken. For the sha256d search kernels, one iteration tests one nonce, and the rarely taken
block that stores a candidate (skipped by a forward @P BRA around the ATOMG) is left out, as it
runs about once per 2^32 nonces at real targets. For the int_pipes kernels, each kernel's loop
body must consist of the opcodes its name claims (bench/int_pipes.cu), chains x steps of them,
plus at most a few loop-overhead instructions; anything else exits 1.
"""
import argparse
import collections
import re
import subprocess
import sys

# bench/int_pipes.cuh: chains x steps_per_iteration instructions of interest per iteration.
PIPE_OPS_PER_ITERATION = 8 * 16
# The loop counter, its compare and the branch; anything beyond this is not loop overhead.
PIPE_MAX_OVERHEAD = 4
# Each int_pipes lane type and the opcode it must compile to (full opcode, modifiers included
# up to the first one that names the operation).
PIPE_OPCODES = {
    "Shf": ("SHF.R.W",),
    "Lop3": ("LOP3.LUT",),
    "Iadd3": ("IADD3",),
    "Imad": ("IMAD",),
    "ImadHi": ("IMAD.HI",),
}


def functions(text):
    for chunk in re.split(r"\n\s*Function : ", text)[1:]:
        name = chunk.split("\n", 1)[0].strip()
        ins = [(int(a, 16), b.strip())
               for a, b in re.findall(r"/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;", chunk)]
        yield name, ins


def opcode(text):
    """The opcode with its modifiers, predicate stripped: 'IMAD.HI.U32', 'SHF.R.W.U32'."""
    return re.sub(r"^@!?U?P\w+\s+", "", text).split()[0]


def op_kind(full):
    """The operation an opcode names, width and sign suffixes dropped where they say nothing more:
    'IMAD.HI.U32' -> 'IMAD.HI', 'SHF.R.W.U32' -> 'SHF.R.W', 'SHF.R.U32.HI' -> 'SHF.R.U32',
    'IMAD.MOV.U32' -> 'IMAD.MOV', 'IMAD.U32' (a move from a constant) stays, 'IADD3.X' -> 'IADD3'."""
    parts = full.split(".")
    base = parts[0]
    if base == "SHF" and len(parts) >= 3:
        return ".".join(parts[:3])
    if base in ("IMAD", "LOP3") and len(parts) >= 2:
        return ".".join(parts[:2])
    return base


def longest_loop(ins):
    back = [(int(m.group(1), 16), a) for a, b in ins
            if (m := re.match(r"(?:@!?U?P\d\s+)?BRA(?:\.U)?\s+(?:!?U?P\d,\s*)?(?:`\(\.L_x_\d+\)\s*)?0x([0-9a-f]+)", b))
            and int(m.group(1), 16) < a]
    if not back:
        return None
    head, tail = max(back, key=lambda t: t[1] - t[0])
    return [(a, b) for a, b in ins if head <= a <= tail]


def demangle(names):
    try:
        out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True,
                             check=True).stdout.splitlines()
        return dict(zip(names, out))
    except (OSError, subprocess.CalledProcessError):
        return {n: n for n in names}


def count_sha256d(text):
    for name, ins in functions(text):
        if "sha256d" not in name:
            continue
        body = longest_loop(ins)
        if body is None:
            continue
        atom = next((a for a, b in body if opcode(b).startswith("ATOMG")), None)
        skip = (0, -1)
        if atom is not None:
            skip = next(((a, int(m.group(1), 16)) for a, b in body
                         if (m := re.match(r"@!?P\d\s+BRA\s+(?:`\(\.L_x_\d+\)\s*)?0x([0-9a-f]+)", b))
                         and a < atom < int(m.group(1), 16)), skip)
        path = [op_kind(opcode(b)) for a, b in body if not skip[0] < a < skip[1]]
        counts = collections.Counter(path)
        print(f"{demangle([name])[name][:100]}\n  per nonce: {len(path)}")
        for op, n in counts.most_common():
            print(f"    {op:<12} {n}")


def check_pipes(text):
    named = [(name, ins) for name, ins in functions(text) if "pipe_kernel" in name]
    if not named:
        print("no int_pipes kernels in this SASS", file=sys.stderr)
        return 1
    plain = demangle([n for n, _ in named])
    failures = 0
    for name, ins in named:
        lanes = re.findall(r"::(\w+)(?=[,>])", plain[name].split("pipe_kernel<", 1)[1])
        body = longest_loop(ins) or []
        got = collections.Counter(op_kind(opcode(b)) for _, b in body)
        # ptxas may unroll the loop further (sm_100 does, 4 times); the body must then hold a
        # whole number of iterations.
        per_iteration = collections.Counter()
        for lane in lanes:
            per_iteration[PIPE_OPCODES[lane][0]] += PIPE_OPS_PER_ITERATION // len(lanes)
        unroll = max(1, min(got[op] // n for op, n in per_iteration.items()))
        expected = collections.Counter({op: n * unroll for op, n in per_iteration.items()})
        overhead = sum(got.values()) - sum(expected.values())
        # >= rather than ==: before sm_90 the loop counter is one more IADD3.
        ok = all(got[op] >= n for op, n in expected.items()) and 0 <= overhead <= PIPE_MAX_OVERHEAD
        failures += not ok
        label = "+".join(lanes)
        print(f"{'ok  ' if ok else 'FAIL'} {label:<14} loop body {sum(got.values()):>4}: " +
              ", ".join(f"{op} {n}" for op, n in got.most_common()) +
              f"  (expected {dict(expected)} + <= {PIPE_MAX_OVERHEAD} overhead"
              + (f", loop unrolled {unroll}x by ptxas)" if unroll > 1 else ")"))
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sass", help="output of cuobjdump -sass for one architecture")
    parser.add_argument("--pipes", action="store_true",
                        help="check the int_pipes benchmark kernels instead of counting sha256d")
    args = parser.parse_args()
    with open(args.sass) as f:
        text = f.read()
    if args.pipes:
        return check_pipes(text)
    count_sha256d(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
