#!/usr/bin/env bash
# The aarch64 build, tested on this x86-64 machine: cross-compiles with Debian's
# g++-aarch64-linux-gnu against the :arm64 multiarch packages (CMake preset `arm64`: warnings as
# errors, CUDA and MPI off) and runs the test suite under `qemu-aarch64 -cpu max`, which has
# the SHA-2, SVE and BF16 extensions, so every arm64 kernel is verified. Every test runs but
# bench_smoke: the benchmarks are built, not run, as rates under emulation mean nothing.
# Installs what is missing first (scripts/arm64-deps.sh), so it is cheap to call again.
#
#   scripts/test-arm64.sh [ctest arguments, e.g. -R Sha256d]
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/arm64-deps.sh

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake --preset arm64 "${launcher[@]}" >/dev/null
./scripts/check_unity.py build/arm64
cmake --build --preset arm64
# A failed test gets one more try: fakes that keep real time in a thread of the emulated test
# process (the 50 W RAPL writer) can lag when QEMU and parallel tests share two cores. A real
# mismatch fails both times.
ctest --preset arm64 --repeat until-pass:2 "$@"
