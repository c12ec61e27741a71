# Resolves HASHFLOP_ENABLE_CUDA (AUTO|ON|OFF) into HASHFLOP_HAVE_CUDA and enables the language.
# A GPU is never needed to build: only nvcc and the toolkit's libraries.
include(CheckLanguage)

set(HASHFLOP_HAVE_CUDA OFF)
if(NOT HASHFLOP_ENABLE_CUDA STREQUAL "OFF")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # sm_80, 86, 89 and 90 as machine code plus compute_90 PTX, which the driver JIT-compiles
    # for newer GPUs. A CMAKE_CUDA_ARCHITECTURES given by the user wins.
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES AND HASHFLOP_ARCH STREQUAL "aarch64")
      include(HashflopCudaArm)  # the GPUs that come with Arm hosts: Grace and GB10
    endif()
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES "80-real;86-real;89-real;90" CACHE STRING "CUDA architectures")
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
