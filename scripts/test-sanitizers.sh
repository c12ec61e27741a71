#!/usr/bin/env bash
# The test suite under clang's sanitizers (CUDA off), installing what is missing first:
#   asan: AddressSanitizer + UBSan (float-cast-overflow included, no recovery) and LeakSanitizer,
#         every test; the benchmarks are not built (the dev build compiles them, and CI time is
#         short); OpenMPI's own leaks are suppressed by tests/sanitizers/lsan.supp.
#   tsan: ThreadSanitizer over the threaded tests (harness, CPU nonce search threads, the
#         meters' poll threads, `run` end to end); MPI off, as OpenMPI is not instrumented.
#
#   scripts/test-sanitizers.sh [asan|tsan]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
presets=("${@:-asan tsan}")
read -r -a presets <<<"${presets[*]}"
./scripts/sanitizer-deps.sh
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
for preset in "${presets[@]}"; do
  echo "test-sanitizers: $preset"
  cmake --preset "$preset" "${launcher[@]}" >/dev/null
  ./scripts/check_unity.py "build/$preset"
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
