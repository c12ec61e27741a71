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
import json
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile

TARGET_DIR = "/hashflop_host.dir/"


def sources(entries):
    """The host sources in build order, read back out of the unity batch files when the build
    is a unity build."""
    files = []
    for e in entries:
        path = pathlib.Path(e["file"])
        if path.name.endswith("cmake_pch.hxx.cxx"):
            continue
        if re.fullmatch(r"unity_\d+_cxx\.cxx", path.name):
            files += re.findall(r'#include "([^"]+)"', path.read_text())
        else:
            files.append(str(path))
    return files


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


def syntax_only(command, unit):
    """The batch's own command, made to check UNIT instead of compiling one file."""
    out, skip = [], False
    for a in without_pch(shlex.split(command)):
        if skip:
            skip = False
            continue
        if a in ("-o", "-c", "-MF", "-MT"):
            skip = True
            continue
        if a in ("-MD", "-MMD"):
            continue
        out.append(a)
    return out + ["-fsyntax-only", "-c", unit]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_unity.py BUILD_DIR")
    db = pathlib.Path(sys.argv[1]) / "compile_commands.json"
    if not db.exists():
        sys.exit(f"check_unity: {db} not found (configure the build first)")
    entries = [e for e in json.loads(db.read_text())
               if TARGET_DIR in e.get("output", "") + e["command"]]
    compiled = [e for e in entries if not e["file"].endswith("cmake_pch.hxx.cxx")]
    if not compiled:
        sys.exit(f"check_unity: no hashflop_host sources in {db}")
    files = sources(compiled)
    with tempfile.NamedTemporaryFile("w", suffix=".cpp", prefix="hashflop_unity_") as unit:
        unit.write("".join(f'#include "{f}"\n' for f in files))
        unit.flush()
        result = subprocess.run(syntax_only(compiled[0]["command"], unit.name),
                                cwd=compiled[0]["directory"])
    if result.returncode != 0:
        print(f"check_unity: the {len(files)} hashflop_host sources do not compile as one unit; "
              "rename the clashing private names", file=sys.stderr)
        return result.returncode
    print(f"check_unity: {len(files)} hashflop_host sources compile as one unit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
