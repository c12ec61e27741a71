// What the CPU is and which instruction sets it (and the OS) can run, from CPUID and XGETBV.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace hashflop::cpu {

struct CpuFeatures {
  bool sse41 = false;
  bool avx2 = false;
  bool fma = false;  ///< FMA3: vfmadd231ps and friends
  bool avx512f = false;
  bool avx512vl = false;
  bool avx512bw = false;
  bool avx512dq = false;
  bool sha = false;  ///< SHA-NI: sha256rnds2, sha256msg1, sha256msg2
};

/// Data cache sizes in bytes as seen by one core (L3: the slice shared by that core's
/// complex); 0 when unknown.
struct CacheSizes {
  size_t l1d = 0, l2 = 0, l3 = 0;
};

struct CpuInfo {
  std::string model;
  unsigned logical_cores = 1;
  CpuFeatures features;
  CacheSizes caches;
  /// Feature names present, for display and results files.
  std::vector<std::string> feature_names() const;
};

/// Reads CPUID once; AVX state is only reported usable when the OS saves it (XGETBV).
const CpuInfo& cpu_info();

}  // namespace hashflop::cpu
