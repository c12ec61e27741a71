#!/usr/bin/env bash
# What users build, checked before CI's own faster builds, with no environment variables, as a
# user types the README:
#  1. every configure preset in CMakePresets.json configures with its own settings (its own CUDA
#     architecture list included), and every compile command it generates splits as make and
#     ninja will split it;
#  2. in the README's `release` preset with the default CUDA architectures, the objects that
#     carry the configuration compile: cli/app.cpp and the generated cli/build_info.cpp (the
#     build's facts, architectures included, for --version) and one kernel translation unit for
#     every default architecture. `scripts/test.sh`, which .ci/run runs next with no
#     environment either, builds everything else for every default architecture.
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
# Object names as the generator spells them: whatever CMake calls the folders, the sources are
# these.
mapfile -t objects < <(ninja -C "$root/release" -t targets all |
  sed -n 's/^\([^:]*\(cli\/app\.cpp\|cli\/build_info\.cpp\|cuda\/gemm_convert\.cu\)\.o\): .*/\1/p')
[ ${#objects[@]} -ge 2 ] || { echo "check-presets: the release preset's objects were not found" >&2; exit 1; }
hf_step "compiling the release preset's configuration-bearing objects" \
  "$hf_log_dir/preset-release-build.log" ninja -C "$root/release" "${objects[@]}"
echo "check-presets: ${#presets[@]} presets configure; release compiles ${objects[*]##*/}"
