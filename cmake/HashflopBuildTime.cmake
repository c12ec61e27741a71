# Compile time. CI builds the tree four times on 2 cores (dev, ASan, TSan, aarch64), so how long
# one build takes is most of how long CI takes.

# Precompiled headers. nlohmann-json and fmt reach nearly every translation unit (through
# results/result.hpp and backend/backend.hpp), and GoogleTest every test. Measured on 6 host files
# with g++ -O3: 15% less CPU time. Sources still include what they use: a build with
# -DHASHFLOP_PCH=OFF must keep compiling. With ccache, set `sloppiness =
# pch_defines,time_macros,include_file_mtime,include_file_ctime`, or ccache compiles without
# caching (README, "Building").
option(HASHFLOP_PCH "Precompile the heavy third-party and standard headers" ON)

# hashflop_precompile(TARGET [HEADER...]): the common set plus the target's own extra headers
# (GoogleTest for the tests, Google Benchmark for the benchmarks).
function(hashflop_precompile target)
  if(NOT HASHFLOP_PCH)
    return()
  endif()
  set(headers <nlohmann/json.hpp> <fmt/format.h> <algorithm> <chrono> <cstdint> <filesystem>
    <fstream> <functional> <map> <memory> <optional> <span> <string> <string_view> <thread>
    <vector> ${ARGN})
  list(TRANSFORM headers PREPEND "$<$<COMPILE_LANGUAGE:CXX>:")
  list(TRANSFORM headers APPEND ">")
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()

# Unity build of hashflop_host (host/CMakeLists.txt): every host file instantiates the same
# nlohmann-json and fmt templates, and compiling them once per batch of 8 files halved the
# library's compile time. Off by default, because a batch recompiles whole when one of its files
# changes; .ci/run exports HASHFLOP_UNITY_BUILD=ON, as every fresh build may. The tests stay out:
# their files reuse helper names (run, source, open_ok) that one batch would merge.
# Which files share a batch shifts as files are added, so test.sh, test-sanitizers.sh and
# test-arm64.sh first compile all of hashflop_host as one unit (scripts/check_unity.py): private
# names that clash fail there, under each compiler's warnings, before any batch meets them.
if(DEFINED ENV{HASHFLOP_UNITY_BUILD})
  set(unity_default $ENV{HASHFLOP_UNITY_BUILD})
else()
  set(unity_default OFF)
endif()
option(HASHFLOP_UNITY_BUILD "Compile hashflop_host in unity batches (faster fresh builds)"
  ${unity_default})
