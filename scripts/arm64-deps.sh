#!/usr/bin/env bash
# What the aarch64 cross build (preset `arm64`, scripts/test-arm64.sh) needs beyond
# scripts/install-deps.sh: Debian's cross compiler, qemu-user, and the :arm64 multiarch packages.
# Installs only what is missing, printing what it installs, so it is cheap to call again.
set -euo pipefail

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
    echo "arm64-deps: adding the arm64 architecture to dpkg (multiarch)"
    "${sudo_cmd[@]}" dpkg --add-architecture arm64
  fi
  echo "arm64-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A third-party source without arm64 indexes makes update fail while Debian's arm64 lists
  # load; the install below is the real test of whether what is needed can be had.
  "${sudo_cmd[@]}" apt-get update -qq || echo "arm64-deps: apt-get update reported errors (above)"
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "arm64-deps: all $((${#host_packages[@]} + ${#arm64_packages[@]})) packages present"
fi

