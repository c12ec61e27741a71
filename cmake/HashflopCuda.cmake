# Resolves HASHFLOP_ENABLE_CUDA (AUTO|ON|OFF) into HASHFLOP_HAVE_CUDA and enables the language.
# A GPU is never needed to build: only nvcc and the toolkit's libraries.
include(CheckLanguage)

set(HASHFLOP_HAVE_CUDA OFF)
if(NOT HASHFLOP_ENABLE_CUDA STREQUAL "OFF")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # Machine code for sm_80, 86, 89, 90, 100 (B200/GB200, and B300 as 10.3 runs 10.0 code) and
    # 120 (RTX 50, and GB10 as 12.1), so none of those waits for the JIT; plus compute_90 PTX,
    # which the driver JIT-compiles for anything newer without code here (sm_110, future GPUs).
    # compute_90 rather than the newest PTX: PTX is JIT-compiled only for its own compute
    # capability and later ones, so compute_120 would leave 10.x and 11.x without a fallback.
    # A CMAKE_CUDA_ARCHITECTURES given by the user wins (CI builds fewer: scripts/test.sh reads
    # HASHFLOP_CUDA_ARCHITECTURES).
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES AND HASHFLOP_ARCH STREQUAL "aarch64")
      include(HashflopCudaArm)  # the GPUs that come with Arm hosts: Grace and GB10
    endif()
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES "80-real;86-real;89-real;90;100-real;120-real"
        CACHE STRING "CUDA architectures")
    endif()
    enable_language(CUDA)
    # CMake 3.25 does not know nvcc 13's C++20 flag; the shared core needs only C++17.
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
    set(HASHFLOP_HAVE_CUDA ON)
  elseif(HASHFLOP_ENABLE_CUDA STREQUAL "ON")
    message(FATAL_ERROR "HASHFLOP_ENABLE_CUDA=ON but no CUDA compiler was found")
  endif()
endif()
message(STATUS "hashflop: CUDA backend ${HASHFLOP_HAVE_CUDA}")
