// What a calibration depends on: the machine and the build that measured it. A wisdom entry is
// used only when its key equals the running one field for field, so a new CPU, microcode, thread
// count or binary recalibrates instead of trusting an answer measured elsewhere.
#pragma once

#include <string>

#include "common/record.hpp"
#include "results/wisdom_file.hpp"

namespace hashflop::tune {

/// The running executable's GNU build id (hex), which the linker derives from the code itself:
/// any rebuild that changes the binary changes it. Without one (a linker run with
/// --build-id=none) it falls back to the version, commit and compile time of this file.
std::string build_id();

/// The key of a CPU calibration on `threads` threads (0: all logical cores): CPU model string,
/// family/model/stepping, microcode, the feature flags hashflop uses, the thread count,
/// hashflop's version and build id.
Record cpu_key(unsigned threads);

/// A GPU as the CUDA runtime and NVML describe it (host/tune/cuda_sha256d_choice.cpp fills it
/// in; kept free of CUDA here so the key is built and tested in every build).
struct GpuIdentity {
  std::string name;                ///< cudaDeviceProp::name, "NVIDIA H200"
  std::string compute_capability;  ///< "9.0"
  int sm_count = 0;
  std::string driver;   ///< NVML's driver version ("580.65.06"), else the CUDA driver API's
  std::string runtime;  ///< the CUDA runtime hashflop was built with, "13.0"
};

/// The key of a GPU calibration: the GPU's name, compute capability and SM count, the driver
/// and runtime, hashflop's version and build id. A new card, driver or binary recalibrates.
Record gpu_key(const GpuIdentity& gpu);

/// Why an entry's key is not the running one (results/wisdom_file.hpp).
using results::key_difference;

}  // namespace hashflop::tune
