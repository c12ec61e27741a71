#!/usr/bin/env python3
"""Reading a build's compile_commands.json as make and ninja will: each command split as a shell
splits it. Shared by check_unity.py and, as a command, by check-presets.sh."""
import json
import pathlib
import shlex


class UnsplittableCommand(Exception):
    """A compile command that no shell can split: make and ninja would stop at it too."""


def unbalanced_word(command):
    """The first blank-separated word of COMMAND that leaves a quote open, which is where a
    shell's split fails (a CMake list inside a -D value once made `-DX="a` and `b"`)."""
    for word in command.split():
        try:
            shlex.split(word)
        except ValueError:
            return word
    return command


def args_of(entry, who):
    """ENTRY's arguments; WHO names the caller in the error."""
    if "arguments" in entry:
        return entry["arguments"]
    try:
        return shlex.split(entry["command"])
    except ValueError as e:
        raise UnsplittableCommand(
            f"{who}: the compile command of {entry['file']} cannot be split ({e}) at the flag "
            f"{unbalanced_word(entry['command'])}; the build would fail there too") from None


def load(build_dir, who):
    """The entries of BUILD_DIR/compile_commands.json; SystemExit with one line if it is absent."""
    db = pathlib.Path(build_dir) / "compile_commands.json"
    if not db.exists():
        raise SystemExit(f"{who}: {db} not found (configure the build first)")
    return json.loads(db.read_text())


def main(argv):
    """compile_commands.py BUILD_DIR: exit 0 when every compile command splits, else one line."""
    import sys
    if len(argv) != 2:
        sys.exit("usage: compile_commands.py BUILD_DIR")
    try:
        entries = load(argv[1], "compile_commands")
        for e in entries:
            args_of(e, "compile_commands")
    except UnsplittableCommand as e:
        sys.exit(str(e))
    print(f"compile_commands: {len(entries)} commands in {argv[1]} split cleanly")


if __name__ == "__main__":
    import sys
    main(sys.argv)
