#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build, then run the main job on the best device
# (the first GPU, else the CPU). Extra arguments go to `hashflop verify`, e.g. --device cpu.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
./build/release/hashflop verify "$@"
# A short real search: the genesis header around its known nonce, at its real difficulty.
./build/release/hashflop mine "$@" \
  --header 0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c \
  --start 2000000000 --count 200000000
