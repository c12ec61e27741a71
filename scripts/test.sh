#!/usr/bin/env bash
# Quick start, step 2: install what is missing, build with warnings as errors, run every test.
# GPU tests skip with a reason on machines without a CUDA device.
# HASHFLOP_CUDA_ARCHITECTURES, when set, replaces the default CUDA architectures (CI sets fewer:
# each one adds a pass over every kernel, and CI has no GPU to run any of them);
# HASHFLOP_ENABLE_CUDA=OFF builds without CUDA (scripts/lib/build_steps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/build_steps.sh
hf_step "installing the build's Debian packages" "$hf_log_dir/install-deps.log" \
  ./scripts/install-deps.sh
hf_quiet_step "configuring (cmake --preset dev)" "$hf_log_dir/dev-configure.log" \
  cmake --preset dev "${hf_configure_args[@]}"
# CI compiles hashflop_host in unity batches: its files must not clash when they share one.
hf_step "checking that hashflop_host compiles as one unit" "$hf_log_dir/dev-check-unity.log" \
  ./scripts/check_unity.py build/dev
hf_step "building (cmake --build --preset dev)" "$hf_log_dir/dev-build.log" \
  cmake --build --preset dev
ctest --preset dev
# The GPU tests are one ctest entry (tests/CMakeLists.txt); say why they were skipped, once.
log=build/dev/Testing/Temporary/LastTest.log
if grep -q 'no CUDA device: ' "$log" 2>/dev/null; then
  # gtest's summary line in the gpu_kernels entry: "[  SKIPPED ] N tests, listed below:".
  count=$(awk '/Test: gpu_kernels/ { f = 1 } f && /\[  SKIPPED \] [0-9]+ test/ { print $4; exit }' "$log")
  # A build without CUDA has no gpu_kernels entry: only each skipped test's own line.
  echo "GPU tests: ${count:-all} skipped, $(grep -m1 -o 'no CUDA device: .*' "$log")"
fi
