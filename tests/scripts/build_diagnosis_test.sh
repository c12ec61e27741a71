#!/usr/bin/env bash
# The quick-start scripts' failure messages (scripts/lib/build_steps.sh): a failed step names its
# log and, for each known cause, gives its fix; and check_unity.py names a flag a shell cannot
# split instead of crashing. Fed with the lines real tools print for each cause.
#   build_diagnosis_test.sh SOURCE_DIR WORK_DIR
set -uo pipefail
src=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
expect() {  # expect WHAT TEXT FILE
  if ! grep -qF -- "$2" "$3"; then
    echo "FAIL: $1: no '$2' in:"; cat "$3"; failures=$((failures + 1))
  fi
}
diagnose() {  # diagnose LOG_LINE: the failing step's stderr
  (
    set -euo pipefail
    . "$src/scripts/lib/build_steps.sh"
    hf_quiet_step "building" "$work/step.log" sh -c 'printf "%s\n" "$1"; exit 3' sh "$1"
  ) 2>"$work/stderr"
  echo $? >"$work/rc"
}
check() {  # check LOG_LINE EXPECTED_FIX
  diagnose "$1"
  expect "exit status for '$1'" 3 "$work/rc"
  expect "log named for '$1'" "the whole output is in $work/step.log" "$work/stderr"
  expect "fix for '$1'" "$2" "$work/stderr"
}
check 'CUDA_ARCHITECTURES is set to "native", but no GPU was detected.' 'no CUDA driver or GPU here'
check "nvcc fatal   : Unsupported gpu architecture 'compute_20'" 'this nvcc cannot compile'
check '-- Could NOT find OpenSSL (missing: OPENSSL_CRYPTO_LIBRARY)' './scripts/install-deps.sh'
check 'fatal error: fmt/format.h: No such file or directory' './scripts/install-deps.sh'
check 'No CMAKE_CUDA_COMPILER could be found.' 'put nvcc on PATH'
check 'c++: fatal error: Killed signal terminated program cc1plus' 'CMAKE_BUILD_PARALLEL_LEVEL=1'
check 'write error: No space left on device' 'the disk is full'
check '/bin/sh: 1: Syntax error: Unterminated quoted string' 'a hashflop defect'
check 'error: something nobody foresaw' 'the first error in the log is:'

# check_unity.py on a compile command with a -D value split by a CMake list.
mkdir -p unity
python3 - "$work/unity/compile_commands.json" <<'PY'
import json, sys
command = ('/usr/bin/c++ -DHASHFLOP_CUDA_BUILD="\\"CUDA 13, architectures 80-real" '
           '-D86-real\\"" -o host/CMakeFiles/hashflop_host.dir/cli/app.cpp.o -c /src/app.cpp')
json.dump([{"directory": "/tmp", "command": command, "file": "/src/app.cpp",
            "output": "host/CMakeFiles/hashflop_host.dir/cli/app.cpp.o"}], open(sys.argv[1], "w"))
PY
"$src/scripts/check_unity.py" unity >unity.out 2>&1
rc=$?
[ "$rc" -ne 0 ] || { echo "FAIL: check_unity exited 0 on an unsplittable command"; failures=$((failures + 1)); }
[ "$(wc -l <unity.out)" -eq 1 ] || { echo "FAIL: check_unity printed more than one line:"; cat unity.out; failures=$((failures + 1)); }
expect "check_unity names the flag" 'at the flag -DHASHFLOP_CUDA_BUILD="\"CUDA' unity.out
[ "$failures" -eq 0 ] && echo "build diagnosis: all cases pass"
exit "$failures"
