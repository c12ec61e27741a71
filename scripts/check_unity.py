#!/usr/bin/env python3
"""Compile every hashflop_host source as one translation unit, syntax only, with the flags of
BUILD_DIR's compile_commands.json.

Why: CI builds hashflop_host in unity batches of 8 (cmake/HashflopBuildTime.cmake), and which
files share a batch shifts whenever a file is added. Two files' private names (anonymous
namespaces, `using namespace`) then meet for the first time in CI, under another compiler's
warnings: this broke CI twice. Files that compile together as one unit compile in any batching.

    scripts/check_unity.py BUILD_DIR
Exit 0 when the unit compiles; otherwise the compiler's diagnostics and its exit status.
"""
import pathlib
import re
import subprocess
import sys
import tempfile

import compile_commands
from compile_commands import UnsplittableCommand

TARGET_DIR = "/hashflop_host.dir/"


def args_of(entry):
    return compile_commands.args_of(entry, "check_unity")


def flags_of(entry):
    """The entry's arguments less its own source and outputs: equal for files that may share
    a batch."""
    out, skip = [], False
    for a in args_of(entry):
        if skip:
            skip = False
        elif a in ("-o", "-c", "-MF", "-MT"):
            skip = True
        elif a not in ("-MD", "-MMD") and a != entry["file"]:
            out.append(a)
    return out


def batch_number(entry):
    m = re.fullmatch(r"unity_(\d+)_cxx\.cxx", pathlib.Path(entry["file"]).name)
    return int(m.group(1)) if m else None


def sources(entries):
    """(the entry whose flags compile the unit, the sources in build order). In a unity build,
    the batches' sources, batch by batch (CMake lists the batches in reverse); files CMake keeps
    out of every batch (their own defines) never share one and are left out. Otherwise every
    source compiled with the most common flags, which are those a batch would get."""
    batches = sorted((e for e in entries if batch_number(e) is not None), key=batch_number)
    if batches:
        files = []
        for e in batches:
            included = re.findall(r'#include "([^"]+)"', pathlib.Path(e["file"]).read_text())
            if not included:
                sys.exit(f"check_unity: {e['file']} includes nothing: is this a unity batch?")
            files += included
        return batches[0], files
    counts = {}
    for e in entries:
        key = tuple(flags_of(e))
        counts[key] = counts.get(key, 0) + 1
    common = max(counts, key=counts.get)
    same = [e for e in entries if tuple(flags_of(e)) == common]
    return same[0], [e["file"] for e in same]


def without_pch(args):
    """ARGS less the precompiled header, which may not be built yet: this check runs straight
    after configuring. gcc names it with `-include cmake_pch.hxx`, clang with four -Xclang
    pairs (-include-pch P, -include H)."""
    out, i = [], 0
    while i < len(args):
        if args[i] == "-include" and "cmake_pch" in args[i + 1]:
            i += 2
        elif (args[i] == "-Xclang" and i + 3 < len(args)
              and args[i + 1] in ("-include-pch", "-include") and "cmake_pch" in args[i + 3]):
            i += 4
        elif args[i] == "-Winvalid-pch":
            i += 1
        else:
            out.append(args[i])
            i += 1
    return out


def syntax_only(entry, unit):
    """The entry's own command, made to check UNIT instead of compiling its file."""
    return without_pch(flags_of(entry)) + ["-fsyntax-only", "-c", unit]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_unity.py BUILD_DIR")
    entries = [e for e in compile_commands.load(sys.argv[1], "check_unity")
               if TARGET_DIR in e.get("output", "") + " ".join(args_of(e))
               and not e["file"].endswith("cmake_pch.hxx.cxx")]
    if not entries:
        sys.exit(f"check_unity: no hashflop_host sources in {sys.argv[1]}")
    first, files = sources(entries)
    with tempfile.NamedTemporaryFile("w", suffix=".cpp", prefix="hashflop_unity_") as unit:
        unit.write("".join(f'#include "{f}"\n' for f in files))
        unit.flush()
        result = subprocess.run(syntax_only(first, unit.name), cwd=first["directory"])
    if result.returncode != 0:
        print(f"check_unity: the {len(files)} hashflop_host sources do not compile as one unit; "
              "rename the clashing private names", file=sys.stderr)
        return result.returncode
    print(f"check_unity: {len(files)} hashflop_host sources compile as one unit")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UnsplittableCommand as e:
        sys.exit(str(e))
