#!/usr/bin/env bash
# Builds the carry folder for a GPU machine that has a driver and (maybe) cuBLAS but none of our
# Debian packages, and possibly another glibc: hashflop, hashflop_tests, hashflop_bench and the
# fake NVML library, built for sm_90 only (CMake preset gpu-bundle), stripped, with every
# non-system library they need copied beside them, RPATH $ORIGIN everywhere, plus the data files
# (share/hashflop: models.json, the market files, plot.py) and scripts/gpu-check.sh to run there.
# GoogleTest, benchmark_main, OpenSSL's libcrypto and the CUDA runtime are linked statically
# (Debian ships them as .a); fmt and Google Benchmark (shared only in Debian), OpenBLAS,
# libgfortran and libquadmath are copied. GCC's libstdc++ and libgcc_s are not: carried, they
# took the folder to 60.2 MiB and raised the glibc it needs from 2.34 to 2.36 (2026-12-08), while
# the image's own (Python 3.12's Ubuntu, GCC 13 or later) are newer and backward compatible.
# cuBLAS is not carried either: hashflop loads it at run time, and gpu-check.sh finds the GPU
# image's copy in python3's site-packages.
#
# Then it checks its own output: every ELF in the folder must resolve each library inside the
# folder or to the allow-list below (ldd, with LD_LIBRARY_PATH unset), the folder must be at most
# 60 MiB, the check's CPU rehearsal (gpu-check.sh --rehearse, from the folder alone) must pass,
# and the newest glibc symbol versions needed are printed. CI runs it (.ci/run).
#
# Usage: scripts/gpu-bundle.sh [DIR]   (default build/gpu-bundle; the build is build/gpu-bundle-build)
# Environment: HASHFLOP_JOBS (parallel build jobs; default: the CPU count).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/gpu-bundle}
build=$root/build/gpu-bundle-build
limit_mib=60
# Libraries the GPU machine supplies: glibc's (libc, libm, the loader, and the libdl, libpthread
# and librt stubs that older links name), the C++ runtime, and NVIDIA's driver and cuBLAS.
allowed='^(linux-vdso\.so\.1|ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libcuda\.so\.1|libnvidia-ml\.so\.1|libcublas\.so\.[0-9]+|libcublasLt\.so\.[0-9]+)$'

cd "$root"
./scripts/install-deps.sh
launchers=()
if command -v ccache >/dev/null; then
  launchers=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
fi
cmake --preset gpu-bundle "${launchers[@]}" >/dev/null
cmake --build --preset gpu-bundle -j "${HASHFLOP_JOBS:-$(nproc)}"

rm -rf "$out"
mkdir -p "$out"
cp "$build/hashflop" "$build/hashflop_bench" "$build/tests/hashflop_tests" \
  "$build/tests/libfake_nvml.so" "$out/"
cp scripts/gpu-check.sh scripts/gpu_check_json.py "$out/"
# models.json and the market files: without them `run --workloads transformer` exits 2 there.
mkdir -p "$out/share"
cp -r "$build/share/hashflop" "$out/share/"
# Symbols and debug sections only: the CUDA fat binaries are data and stay.
strip --strip-unneeded "$out/hashflop" "$out/hashflop_bench" "$out/hashflop_tests" \
  "$out/libfake_nvml.so"

# Copies every library an ELF in the folder resolves outside it and outside the allow-list,
# under its soname, until nothing new turns up (OpenBLAS brings libgfortran, which brings
# libquadmath). Copies get RUNPATH $ORIGIN, so each finds the next beside it.
elfs() { find "$out" -maxdepth 1 -type f \( -perm -u+x -o -name '*.so*' \) ! -name '*.sh' ! -name '*.py'; }
while :; do
  copied=0
  while read -r name path; do
    [[ $name =~ $allowed ]] && continue
    [ -e "$out/$name" ] && continue
    cp -L "$path" "$out/$name"
    chmod u+w "$out/$name"
    # shellcheck disable=SC2016  # $ORIGIN is for the dynamic loader, not the shell
    patchelf --set-rpath '$ORIGIN' "$out/$name"
    echo "gpu-bundle: copied $path as $name"
    copied=1
  done < <(for f in $(elfs); do env -u LD_LIBRARY_PATH ldd "$f"; done |
    awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | sort -u)
  [ $copied -eq 1 ] || break
done

# The checks.
status=0
echo "gpu-bundle: ldd check (allowed outside the folder: $allowed)"
for f in $(elfs); do
  while read -r line; do
    name=$(awk '{print $1}' <<<"$line")
    target=$(awk '$2 == "=>" {print $3}' <<<"$line")
    name=${name##*/}
    if [[ $line == *"not found"* ]]; then
      if [[ $name =~ $allowed ]]; then continue; fi
      echo "  FAIL ${f##*/}: $name not found"
      status=1
    elif [[ $target == "$out/"* ]] || [[ $name =~ $allowed ]]; then
      continue
    else
      echo "  FAIL ${f##*/}: $name resolves outside the folder to ${target:-?}"
      status=1
    fi
  done < <(env -u LD_LIBRARY_PATH ldd "$f" | sed 's/^[[:space:]]*//; s/ (0x[0-9a-f]*)$//')
  printf '  %-24s %s\n' "${f##*/}" "$(env -u LD_LIBRARY_PATH ldd "$f" | awk -v here="$out/" '
    $2 == "=>" { n = $1; where = index($3, here) == 1 ? "here" : "system" }
    $2 != "=>" { n = $1; sub(/.*\//, "", n); where = "system" }
    n != "linux-vdso.so.1" { printf "%s%s:%s", sep, n, where; sep = " " }')"
done

versions() {  # PREFIX: the newest PREFIX_x.y symbol version any ELF in the folder needs
  for f in $(elfs); do objdump -T "$f"; done | grep -o "$1_[0-9][0-9.]*" | sort -u -V | tail -1
}
size=$(du -sb "$out" | awk '{print $1}')
echo "gpu-bundle: newest symbol versions needed: $(versions GLIBC) (glibc), $(versions GLIBCXX)" \
  "and $(versions CXXABI) (libstdc++), $(versions GCC) (libgcc_s)"
echo "gpu-bundle: built with glibc $(ldd --version | head -1 | awk '{print $NF}'); the GPU machine's" \
  "must be at least the newest GLIBC_ version above"
echo "gpu-bundle: $out: $(find "$out" -type f | wc -l) files," \
  "$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1048576 }') MiB (limit $limit_mib MiB)"
if [ "$size" -gt $((limit_mib * 1048576)) ]; then
  echo "gpu-bundle: FAIL: larger than $limit_mib MiB"
  status=1
fi
du -sb "$out"/* | sort -rn | awk '{ printf "  %8.1f MiB  %s\n", $1 / 1048576, $2 }'

# The check's CPU rehearsal from the folder alone, as it will run there: every step must stop at
# the missing device, never at a missing library, file or option.
rehearsal=$(mktemp -d "${TMPDIR:-/tmp}/gpu-bundle-rehearsal.XXXXXX")
if env -u LD_LIBRARY_PATH "$out/gpu-check.sh" --rehearse "$rehearsal" >"$rehearsal.log" 2>&1; then
  echo "gpu-bundle: the bundle's gpu-check.sh --rehearse passed ($(tail -1 "$rehearsal/summary.txt"))"
else
  echo "gpu-bundle: FAIL: the bundle's gpu-check.sh --rehearse failed:"
  cat "$rehearsal/summary.txt" 2>/dev/null || tail -20 "$rehearsal.log"
  status=1
fi
rm -rf "$rehearsal" "$rehearsal.log"
if [ $status -ne 0 ]; then
  echo "gpu-bundle: FAILED"
  exit 1
fi
echo "gpu-bundle: ok; run it there as: $out/gpu-check.sh OUT_DIR"
