#!/usr/bin/env bash
# What the clang sanitizer and fuzz builds need beyond scripts/install-deps.sh, installed only
# when missing: clang, its sanitizer and libFuzzer runtimes (on Debian 12 libclang-rt-14-dev
# holds libclang_rt.{asan,ubsan,tsan,fuzzer}) and llvm-symbolizer for readable stacks.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh clang libclang-rt-14-dev llvm
