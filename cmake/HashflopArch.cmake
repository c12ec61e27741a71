# Sets HASHFLOP_ARCH to x86_64 or aarch64 from the target processor (the toolchain's, when
# cross-compiling). Only that architecture's CPU kernels are compiled: their intrinsics exist
# nowhere else. Any other processor is refused here rather than half-built.
string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" hashflop_processor)
if(hashflop_processor MATCHES "^(x86_64|amd64)$")
  set(HASHFLOP_ARCH x86_64)
elseif(hashflop_processor MATCHES "^(aarch64|arm64)$")
  set(HASHFLOP_ARCH aarch64)
else()
  message(FATAL_ERROR "hashflop builds for x86-64 and aarch64 hosts; CMAKE_SYSTEM_PROCESSOR is "
                      "'${CMAKE_SYSTEM_PROCESSOR}'")
endif()
message(STATUS "hashflop: CPU kernels for ${HASHFLOP_ARCH}")
