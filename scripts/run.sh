#!/usr/bin/env bash
# Quick start, step 1: install what is missing, build, self-test, then the main job: both
# workloads measured on the best device (the first GPU, else the CPU), with a results file under
# scratch/ (results/ is for the project's reference measurements) unless --out is given. Extra
# arguments go to `hashflop run`, e.g. --device cpu --quick. HASHFLOP_ENABLE_CUDA=OFF builds
# without CUDA where nvcc is installed; HASHFLOP_CUDA_ARCHITECTURES names the architectures.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/build_steps.sh
hf_step "installing the build's Debian packages" "$hf_log_dir/install-deps.log" \
  ./scripts/install-deps.sh
hf_quiet_step "configuring (cmake --preset release)" "$hf_log_dir/release-configure.log" \
  cmake --preset release "${hf_configure_args[@]}"
hf_step "building (cmake --build --preset release)" "$hf_log_dir/release-build.log" \
  cmake --build --preset release
device=auto
out=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --device) device=${args[i + 1]:-auto} ;;
    --device=*) device=${args[i]#--device=} ;;
  esac
done
case " $* " in
  *" --out "* | *" --out="*) ;;
  *)  # hashflop makes no folder named in --out
    mkdir -p scratch
    out=(--out "scratch/run-$(date -u +%Y%m%dT%H%M%SZ).json") ;;
esac
./build/release/hashflop verify --device "$device"
./build/release/hashflop run "$@" "${out[@]}"
