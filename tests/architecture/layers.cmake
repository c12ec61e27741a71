# The layering of host/ (docs/architecture.md): a directory may include only directories of a
# lower layer, so nothing points back up (CLI -> session -> backend -> workload -> kernel).
# And kernels/ holds pure compute: it includes nothing from host/.
# Run: cmake -DSOURCE_DIR=<repo> -P layers.cmake
cmake_policy(SET CMP0057 NEW)
set(layer_common 0)
set(layer_sha256 0)
set(layer_bitcoin 1)
set(layer_cpu 1)
set(layer_cuda 1)
set(layer_model 1)
set(layer_energy 2)
set(layer_mine 2)
set(layer_gemm 2)
set(layer_results 3)
set(layer_tune 4)
set(layer_workload 5)
set(layer_backend 6)
set(layer_harness 7)
set(layer_verify 7)
set(layer_compare 8)
set(layer_report 8)
set(layer_fleet 8)
set(layer_cli 9)

set(violations "")
file(GLOB dirs RELATIVE ${SOURCE_DIR}/host ${SOURCE_DIR}/host/*)
foreach(dir IN LISTS dirs)
  if(NOT IS_DIRECTORY ${SOURCE_DIR}/host/${dir})
    continue()
  endif()
  if(NOT DEFINED layer_${dir})
    string(APPEND violations "host/${dir}/ has no layer: add it here and to docs/architecture.md\n")
    continue()
  endif()
  file(GLOB_RECURSE files ${SOURCE_DIR}/host/${dir}/*.cpp ${SOURCE_DIR}/host/${dir}/*.hpp)
  foreach(f IN LISTS files)
    file(STRINGS ${f} includes REGEX "^#include \"[a-z_0-9]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^#include \"([a-z_0-9]+)/.*" "\\1" target "${line}")
      if(target STREQUAL dir)
        continue()
      endif()
      if(NOT DEFINED layer_${target} OR NOT layer_${target} LESS layer_${dir})
        file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
        string(APPEND violations "${rel}: ${line} points up or sideways (${dir} -> ${target})\n")
      endif()
    endforeach()
  endforeach()
endforeach()

file(GLOB_RECURSE kernel_files ${SOURCE_DIR}/kernels/*.cpp ${SOURCE_DIR}/kernels/*.hpp
     ${SOURCE_DIR}/kernels/*.cu ${SOURCE_DIR}/kernels/*.cuh)
foreach(f IN LISTS kernel_files)
  file(STRINGS ${f} includes REGEX "^#include \"[a-z_0-9]+/")
  foreach(line IN LISTS includes)
    file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
    string(APPEND violations "${rel}: ${line}: kernels/ must not include host code\n")
  endforeach()
endforeach()

# JSON lives at the edges (docs/architecture.md): only the results layer's readers and writers
# (host/results/*_json.cpp and their private header json_parts.hpp) and compare/ include
# nlohmann/json; the model and every other layer see typed records.
set(json_allowed_dirs compare)
# Temporary: the readers and writers not yet moved (the wisdom file, the market file,
# report-data.json).
set(json_not_yet_moved
    host/report/market.cpp
    host/report/report.hpp
    host/tune/machine_key.hpp
    host/tune/wisdom.hpp)
file(GLOB_RECURSE host_files ${SOURCE_DIR}/host/*.cpp ${SOURCE_DIR}/host/*.hpp)
foreach(f IN LISTS host_files)
  file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
  if(rel MATCHES "^host/results/[a-z_0-9]+_json\\.cpp$" OR rel STREQUAL "host/results/json_parts.hpp")
    continue()
  endif()
  string(REGEX REPLACE "^host/([a-z_0-9]+)/.*" "\\1" dir "${rel}")
  if(dir IN_LIST json_allowed_dirs OR rel IN_LIST json_not_yet_moved)
    continue()
  endif()
  file(STRINGS ${f} json_includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]nlohmann/")
  foreach(line IN LISTS json_includes)
    string(APPEND violations
           "${rel}: ${line}: JSON is read and written only in host/results/*_json.cpp and compare/\n")
  endforeach()
endforeach()

if(violations)
  message(FATAL_ERROR "layering violations:\n${violations}")
endif()
message(STATUS "host/ layering holds: no include points up a layer, and JSON stays at the edges")
