# Default CUDA architectures on an aarch64 host, where the GPU is one of the few NVIDIA pairs
# with Arm CPUs: H100 in GH200 (sm_90), B200 in GB200 (sm_100), B300 in GB300 (sm_103) and
# DGX Spark's GB10 (sm_121). Each newer one needs a newer nvcc (sm_100: 12.8; sm_103 and
# sm_121: 12.9), so the list follows the compiler found; the last entry also carries PTX for
# GPUs after it. The rest of the CUDA build is the same on x86-64 and aarch64 hosts: the host
# code has nothing architecture-specific and CUDAToolkit finds the SBSA libraries itself.
#
# UNTESTED: written from NVIDIA's documentation; no Grace or GB10 node has built it yet.
execute_process(COMMAND ${CMAKE_CUDA_COMPILER} --version OUTPUT_VARIABLE hashflop_nvcc_version
                ERROR_QUIET)
string(REGEX MATCH "release ([0-9]+\\.[0-9]+)" _ "${hashflop_nvcc_version}")
set(hashflop_nvcc_release "${CMAKE_MATCH_1}")
if(hashflop_nvcc_release VERSION_GREATER_EQUAL 12.9)
  set(hashflop_cuda_arm_default "90-real;100-real;103-real;121")
elseif(hashflop_nvcc_release VERSION_GREATER_EQUAL 12.8)
  set(hashflop_cuda_arm_default "90-real;100")
else()
  set(hashflop_cuda_arm_default "90")
endif()
set(CMAKE_CUDA_ARCHITECTURES "${hashflop_cuda_arm_default}" CACHE STRING "CUDA architectures")
message(STATUS "hashflop: aarch64 host, nvcc ${hashflop_nvcc_release}: CUDA architectures "
               "${CMAKE_CUDA_ARCHITECTURES} (untested on Arm hardware)")
