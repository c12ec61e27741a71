#!/usr/bin/env bash
# Installs the Debian packages hashflop builds against, and only the missing ones, so it is
# cheap to call before every build. CUDA is not installed here: it is optional and detected.
# Arguments are more packages to install with them (scripts/test-sanitizers.sh: clang's).
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libcli11-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev        # tests only: OpenSSL's SHA-256 is the independent oracle
  libopenblas-dev   # CPU GEMM reference
  python3-matplotlib  # `hashflop report` pictures (scripts/plot.py); optional at run time
  libopenmpi-dev openmpi-bin  # the MPI fleet mode (`mpirun ... hashflop run`); optional
  patchelf          # scripts/gpu-bundle.sh: RUNPATH $ORIGIN on the libraries it copies
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
