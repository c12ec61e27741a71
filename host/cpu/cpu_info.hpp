// What the CPU is and which instruction sets it (and the OS) can run, from CPUID and XGETBV.
#pragma once

#include <string>
#include <vector>

namespace hashflop::cpu {

struct CpuFeatures {
  bool sse41 = false;
  bool avx2 = false;
  bool avx512f = false;
  bool avx512vl = false;
  bool sha = false;  ///< SHA-NI: sha256rnds2, sha256msg1, sha256msg2
};

struct CpuInfo {
  std::string model;
  unsigned logical_cores = 1;
  CpuFeatures features;
  /// Feature names present, for display and results files.
  std::vector<std::string> feature_names() const;
};

/// Reads CPUID once; AVX state is only reported usable when the OS saves it (XGETBV).
const CpuInfo& cpu_info();

}  // namespace hashflop::cpu
