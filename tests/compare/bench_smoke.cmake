# ctest bench_smoke: the single-thread CPU sha256d benchmarks, briefly, twice each, written as
# JSON; then `hashflop compare` of the file against itself must read it and call every pair
# `same` with exit 0. It checks the benchmarks run and their JSON parses; it gates no timing.
# Usage: cmake -DBENCH=... -DHASHFLOP=... -DOUT=file.json -P bench_smoke.cmake
execute_process(
  COMMAND ${BENCH} --benchmark_filter=^sha256d/cpu/[a-z0-9]+/threads:1/ --benchmark_min_time=0.01
          --benchmark_repetitions=2 --benchmark_out=${OUT} --benchmark_out_format=json
  RESULT_VARIABLE bench_rc OUTPUT_VARIABLE bench_out ERROR_VARIABLE bench_out)
if(NOT bench_rc EQUAL 0)
  message(FATAL_ERROR "hashflop_bench exited ${bench_rc}:\n${bench_out}")
endif()
execute_process(
  COMMAND ${HASHFLOP} compare --format json ${OUT} ${OUT}
  RESULT_VARIABLE cmp_rc OUTPUT_VARIABLE cmp_out ERROR_VARIABLE cmp_err)
if(NOT cmp_rc EQUAL 0)
  message(FATAL_ERROR "hashflop compare exited ${cmp_rc}: ${cmp_err}\n${cmp_out}")
endif()
string(JSON pairs LENGTH "${cmp_out}" pairs)
if(pairs EQUAL 0)
  message(FATAL_ERROR "no benchmark in ${OUT}:\n${bench_out}")
endif()
math(EXPR last "${pairs} - 1")
foreach(i RANGE ${last})
  string(JSON name GET "${cmp_out}" pairs ${i} name)
  string(JSON verdict GET "${cmp_out}" pairs ${i} verdict)
  if(NOT verdict STREQUAL "same")
    message(FATAL_ERROR "${name}: ${verdict} against itself")
  endif()
endforeach()
message(STATUS "bench_smoke: ${pairs} benchmarks, all the same against themselves")
