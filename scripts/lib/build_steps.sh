# Sourced, from the repository root, by the quick-start scripts (run.sh, test.sh): each step's
# whole output is kept in a log and, when a step fails, the last lines name the log and, where
# the cause is one we know, the fix. A user who sees only the last lines must know what to do.
#
#   hf_step NAME LOG COMMAND...   run COMMAND, its output shown and kept in LOG
#   hf_quiet_step NAME LOG COMMAND...   the same, output kept in LOG only (shown on failure)

hf_log_dir="$PWD/build/logs"

# The configure arguments the environment asks for, in hf_configure_args:
#   HASHFLOP_CUDA_ARCHITECTURES  replaces the default CUDA architectures (CI builds one)
#   HASHFLOP_ENABLE_CUDA         OFF builds without CUDA even where nvcc is installed
hf_configure_args=()
if [ -n "${HASHFLOP_CUDA_ARCHITECTURES:-}" ]; then
  hf_configure_args+=("-DCMAKE_CUDA_ARCHITECTURES=$HASHFLOP_CUDA_ARCHITECTURES")
fi
if [ -n "${HASHFLOP_ENABLE_CUDA:-}" ]; then
  hf_configure_args+=("-DHASHFLOP_ENABLE_CUDA=$HASHFLOP_ENABLE_CUDA")
fi

# Known causes, as "extended regex<TAB>what to do". The first that matches the log is given.
hf_known_causes=(
  $'CUDA_ARCHITECTURES is set to "native", but no GPU was detected\tno CUDA driver or GPU here, so "native" names no architecture: set HASHFLOP_CUDA_ARCHITECTURES (e.g. 90-real) or leave it unset for the default list'
  $'[Uu]nsupported gpu architecture .compute_([0-9a-z]+)\tthis nvcc cannot compile an architecture in the list: leave HASHFLOP_CUDA_ARCHITECTURES unset for the default list, set it to ones that `nvcc --list-gpu-code` prints, or configure with -DHASHFLOP_ENABLE_CUDA=OFF'
  $'CMAKE_CUDA_ARCHITECTURES must be|is not a valid CUDA architecture|CUDA_ARCHITECTURES is empty\tthe CUDA architecture list is malformed: use CMake\'s form, e.g. HASHFLOP_CUDA_ARCHITECTURES="90-real;120-real"'
  $'Could NOT find|Could not find a package configuration file|No package .* found|fatal error: [^ ]+\\.h(pp)?: No such file\ta build dependency is missing: run ./scripts/install-deps.sh (as root, or with sudo) and try again'
  $'No CMAKE_CUDA_COMPILER could be found|No CMAKE_CXX_COMPILER could be found\tno compiler found: run ./scripts/install-deps.sh for g++; for CUDA, put nvcc on PATH or configure with -DHASHFLOP_ENABLE_CUDA=OFF'
  $'Killed signal terminated program|virtual memory exhausted|out of memory allocating|cannot allocate memory\tthe compiler ran out of memory: build with fewer jobs, e.g. CMAKE_BUILD_PARALLEL_LEVEL=1'
  $'No space left on device\tthe disk is full: free space (or remove build/) and try again'
  $'Unterminated quoted string|No closing quotation\ta compile command has unbalanced quotes: a hashflop defect, please report it with the log'
)

hf_diagnose() {
  local log=$1 entry pattern fix
  for entry in "${hf_known_causes[@]}"; do
    pattern=${entry%%$'\t'*}
    fix=${entry#*$'\t'}
    if grep -Eq -- "$pattern" "$log"; then
      echo "hashflop: likely cause and fix: $fix" >&2
      return
    fi
  done
  echo "hashflop: the cause is not one this script knows; the first error in the log is:" >&2
  grep -m1 -E 'error|Error|FAILED|fatal' "$log" | cut -c1-300 >&2 || true
}

hf_failed() {
  local name=$1 log=$2 rc=$3
  echo >&2
  echo "hashflop: ${name} failed (exit ${rc}); the whole output is in ${log}" >&2
  hf_diagnose "$log"
  exit "$rc"
}

hf_step() {
  local name=$1 log=$2 rc=0
  shift 2
  mkdir -p "$(dirname "$log")"
  "$@" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || hf_failed "$name" "$log" "$rc"
}

hf_quiet_step() {
  local name=$1 log=$2 rc=0
  shift 2
  mkdir -p "$(dirname "$log")"
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 20 "$log" >&2
    hf_failed "$name" "$log" "$rc"
  fi
}
