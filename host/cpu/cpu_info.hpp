// What the CPU is and which instruction sets it (and the OS) can run: from CPUID and XGETBV on
// x86-64 (cpu_info_x86.cpp), from the kernel's HWCAP bits and the MIDR on aarch64
// (cpu_info_arm64.cpp). Only the running architecture's fields are ever set.
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
  // aarch64, from getauxval(AT_HWCAP) and getauxval(AT_HWCAP2)
  bool asimd = false;   ///< Advanced SIMD (NEON)
  bool sha2 = false;    ///< sha256h, sha256h2, sha256su0, sha256su1
  bool sha512 = false;  ///< sha512h, sha512h2, sha512su0, sha512su1
  bool sve = false;
  bool sve2 = false;
  bool bf16 = false;  ///< BFloat16 dot product and matrix multiply (bfdot, bfmmla)
  bool i8mm = false;  ///< int8 matrix multiply (smmla, usdot)
};

/// Data cache sizes in bytes as seen by one core (L3: the slice shared by that core's
/// complex); 0 when unknown.
struct CacheSizes {
  size_t l1d = 0, l2 = 0, l3 = 0;
};

struct CpuInfo {
  std::string model;
  /// What tells two parts of one model name apart: "family 25 model 17 stepping 1" from CPUID
  /// on x86-64 (the displayed family and model, extended fields added); empty on aarch64, whose
  /// `model` already carries each core's MIDR.
  std::string signature;
  /// The loaded microcode revision from /proc/cpuinfo ("0xa101148"), or empty when the kernel
  /// does not say (aarch64, some VMs).
  std::string microcode;
  unsigned logical_cores = 1;
  CpuFeatures features;
  CacheSizes caches;
  /// Feature names present, for display and results files.
  std::vector<std::string> feature_names() const;
};

/// Detects once. x86-64: AVX state is only reported usable when the OS saves it (XGETBV).
/// aarch64: HWCAP bits are what the kernel enables, so they already account for the OS.
const CpuInfo& cpu_info();

}  // namespace hashflop::cpu
