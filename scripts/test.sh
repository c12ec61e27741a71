#!/usr/bin/env bash
# Quick start, step 2: install what is missing, build with warnings as errors, run every test.
# GPU tests skip with a reason on machines without a CUDA device.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --preset dev
