#!/usr/bin/env bash
# CI builds and tests one CUDA architecture in full (scripts/test.sh under .ci/run). This proves
# that what users build builds too, with no environment variables, as a user types the README:
#  1. every configure preset in CMakePresets.json configures with its own settings (its own CUDA
#     architecture list included), and every compile command it generates splits as make and
#     ninja will split it;
#  2. the README's own configuration, the `release` preset with the default CUDA architectures,
#     builds `hashflop`, which holds every CUDA kernel compiled for every default architecture
#     and the host code that names them in `--version`; and that binary runs.
# A CMake list in a -D flag once broke every CUDA user's build while CI, on one architecture,
# stayed green (issue 27).
#   scripts/check-presets.sh [PRESET...]   (default: every configure preset)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/build_steps.sh
# The toolchains the presets name: clang for asan/tsan, the aarch64 cross compiler for arm64.
./scripts/sanitizer-deps.sh
./scripts/arm64-deps.sh
unset HASHFLOP_CUDA_ARCHITECTURES HASHFLOP_UNITY_BUILD CMAKE_CUDA_ARCHITECTURES CUDAARCHS

presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  mapfile -t presets < <(python3 -c '
import json
for p in json.load(open("CMakePresets.json"))["configurePresets"]:
    if not p.get("hidden"):
        print(p["name"])')
fi
root=build/presets
for preset in "${presets[@]}"; do
  dir=$root/$preset
  rm -rf "$dir"
  hf_quiet_step "configuring preset ${preset}" "$hf_log_dir/preset-${preset}.log" \
    cmake --preset "$preset" -B "$dir" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
  hf_step "checking preset ${preset}'s compile commands" "$hf_log_dir/preset-${preset}-commands.log" \
    ./scripts/compile_commands.py "$dir"
  [ "$preset" = release ] || rm -rf "$dir"
done

case " ${presets[*]} " in *" release "*) ;; *) exit 0 ;; esac
hf_step "building hashflop in the release preset" "$hf_log_dir/preset-release-build.log" \
  cmake --build "$root/release" --target hashflop
"$root/release/hashflop" --version
"$root/release/hashflop" verify --device cpu >/dev/null
echo "check-presets: ${#presets[@]} presets configure; release builds hashflop with the default architectures"
