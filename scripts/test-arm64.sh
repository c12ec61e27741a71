#!/usr/bin/env bash
# The aarch64 build, tested on this x86-64 machine: cross-compiles with Debian's
# g++-aarch64-linux-gnu against the :arm64 multiarch packages (CMake preset `arm64`: warnings as
# errors, CUDA and MPI off) and runs the test suite under `qemu-aarch64 -cpu max`, which has
# the SHA-2, SVE and BF16 extensions, so every arm64 kernel is verified. Every test runs but
# bench_smoke: the benchmarks are built, not run, as rates under emulation mean nothing.
# Installs what is missing first, printing what it installs, so it is cheap to call again.
#
#   scripts/test-arm64.sh [ctest arguments, e.g. -R Sha256d]
set -euo pipefail
cd "$(dirname "$0")/.."

host_packages=(cmake ninja-build g++-aarch64-linux-gnu qemu-user libcli11-dev nlohmann-json3-dev)
# The libraries install-deps.sh installs, for the target; pkgconf:arm64 brings
# aarch64-linux-gnu-pkg-config. They pull in libc6:arm64, whose loader QEMU runs the tests with.
arm64_packages=(libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev libopenblas-dev
  pkgconf)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for p in "${host_packages[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${arm64_packages[@]}"; do installed "$p:arm64" || missing+=("$p:arm64"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  sudo_cmd=()
  if [[ "$(id -u)" -ne 0 ]]; then sudo_cmd=(sudo); fi
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "test-arm64: adding the arm64 architecture to dpkg (multiarch)"
    "${sudo_cmd[@]}" dpkg --add-architecture arm64
  fi
  echo "test-arm64: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A third-party source without arm64 indexes makes update fail while Debian's arm64 lists
  # load; the install below is the real test of whether what is needed can be had.
  "${sudo_cmd[@]}" apt-get update -qq || echo "test-arm64: apt-get update reported errors (above)"
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "test-arm64: all $((${#host_packages[@]} + ${#arm64_packages[@]})) packages present"
fi

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake --preset arm64 "${launcher[@]}" >/dev/null
./scripts/check_unity.py build/arm64
cmake --build --preset arm64
# A failed test gets one more try: fakes that keep real time in a thread of the emulated test
# process (the 50 W RAPL writer) can lag when QEMU and parallel tests share two cores. A real
# mismatch fails both times.
ctest --preset arm64 --repeat until-pass:2 "$@"
