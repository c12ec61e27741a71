#include "cpu/cpu_info.hpp"

#include <cpuid.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

namespace hashflop::cpu {
namespace {

uint64_t xgetbv0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (uint64_t{edx} << 32) | eax;
}

std::string brand_string() {
  unsigned max_ext = __get_cpuid_max(0x80000000u, nullptr);
  if (max_ext < 0x80000004u) return "unknown x86-64 CPU";
  char brand[49] = {};
  for (unsigned i = 0; i < 3; ++i) {
    unsigned regs[4] = {};
    __get_cpuid(0x80000002u + i, &regs[0], &regs[1], &regs[2], &regs[3]);
    std::memcpy(brand + 16 * i, regs, sizeof regs);
  }
  std::string s(brand);
  const auto first = s.find_first_not_of(' ');
  const auto last = s.find_last_not_of(' ');
  return first == std::string::npos ? "unknown x86-64 CPU" : s.substr(first, last - first + 1);
}

// Walks the deterministic cache parameters leaf: 4 on Intel, 0x8000001D on AMD (same layout).
// sysconf is only a fallback: glibc reports the whole package's L3 on some AMD parts, which is
// not what one core's blocking may assume.
CacheSizes detect_caches() {
  CacheSizes sizes;
  unsigned a = 0, b = 0, c = 0, d = 0;
  unsigned leaf = 0;
  // GCC's cpuid.h returns unsigned, clang's int: compared as the unsigned leaf it is.
  if (static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) >= 0x8000001Du) {
    __cpuid(0x80000001u, a, b, c, d);
    if ((c & (1u << 22)) != 0) leaf = 0x8000001Du;  // TopologyExtensions
  }
  if (leaf == 0 && __get_cpuid_max(0, nullptr) >= 4) leaf = 4;
  for (unsigned sub = 0; leaf != 0 && sub < 16; ++sub) {
    __cpuid_count(leaf, sub, a, b, c, d);
    const unsigned type = a & 0x1f;  // 0: no more caches; 1: data; 2: instruction; 3: unified
    if (type == 0) break;
    if (type == 2) continue;
    const unsigned level = (a >> 5) & 0x7;
    const size_t bytes = size_t{((b >> 22) & 0x3ff) + 1} * (((b >> 12) & 0x3ff) + 1) *
                         ((b & 0xfff) + 1) * (size_t{c} + 1);
    if (level == 1) sizes.l1d = bytes;
    if (level == 2) sizes.l2 = bytes;
    if (level == 3) sizes.l3 = bytes;
  }
  const auto sys = [](int name) {
    const long v = sysconf(name);
    return v > 0 ? static_cast<size_t>(v) : size_t{0};
  };
  if (sizes.l1d == 0) sizes.l1d = sys(_SC_LEVEL1_DCACHE_SIZE);
  if (sizes.l2 == 0) sizes.l2 = sys(_SC_LEVEL2_CACHE_SIZE);
  if (sizes.l3 == 0) sizes.l3 = sys(_SC_LEVEL3_CACHE_SIZE);
  return sizes;
}

// The first "microcode" line of /proc/cpuinfo: the revision the kernel loaded, which CPUID does
// not report (a microcode update can change instruction timings, so the wisdom key has it).
std::string microcode_revision() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("microcode", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) return {};
    const auto first = line.find_first_not_of(" \t", colon + 1);
    return first == std::string::npos ? std::string() : line.substr(first);
  }
  return {};
}

// CPUID leaf 1's family, model and stepping as Linux and the vendors' manuals print them: the
// extended family is added when the base family is 0xf, the extended model is prepended when
// the family is 6 or at least 0xf.
std::string signature_of(unsigned eax) {
  const unsigned base_family = (eax >> 8) & 0xf;
  const unsigned family = base_family == 0xf ? base_family + ((eax >> 20) & 0xff) : base_family;
  unsigned model = (eax >> 4) & 0xf;
  if (base_family == 0x6 || base_family == 0xf) model |= ((eax >> 16) & 0xf) << 4;
  return "family " + std::to_string(family) + " model " + std::to_string(model) + " stepping " +
         std::to_string(eax & 0xf);
}

CpuInfo detect() {
  CpuInfo info;
  info.model = brand_string();
  info.logical_cores = std::max(1u, std::thread::hardware_concurrency());

  unsigned a = 0, b = 0, c = 0, d = 0;
  info.microcode = microcode_revision();
  if (!__get_cpuid(1, &a, &b, &c, &d)) return info;
  info.signature = signature_of(a);
  const bool osxsave = (c & bit_OSXSAVE) != 0;
  const uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  const bool os_avx = (xcr0 & 0x6) == 0x6;       // XMM and YMM state
  const bool os_avx512 = (xcr0 & 0xe6) == 0xe6;  // plus opmask and ZMM state
  info.features.sse41 = (c & bit_SSE4_1) != 0;
  const bool avx = os_avx && (c & bit_AVX) != 0;
  info.features.fma = avx && (c & bit_FMA) != 0;
  info.caches = detect_caches();

  if (__get_cpuid_max(0, nullptr) >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    info.features.avx2 = avx && (b & bit_AVX2) != 0;
    info.features.avx512f = os_avx512 && (b & bit_AVX512F) != 0;
    info.features.avx512vl = os_avx512 && (b & bit_AVX512VL) != 0;
    info.features.avx512bw = os_avx512 && (b & bit_AVX512BW) != 0;
    info.features.avx512dq = os_avx512 && (b & bit_AVX512DQ) != 0;
    info.features.sha = (b & bit_SHA) != 0;
  }
  return info;
}

}  // namespace

std::vector<std::string> CpuInfo::feature_names() const {
  std::vector<std::string> names;
  if (features.sse41) names.emplace_back("sse4.1");
  if (features.avx2) names.emplace_back("avx2");
  if (features.fma) names.emplace_back("fma");
  if (features.avx512f) names.emplace_back("avx512f");
  if (features.avx512vl) names.emplace_back("avx512vl");
  if (features.avx512bw) names.emplace_back("avx512bw");
  if (features.avx512dq) names.emplace_back("avx512dq");
  if (features.sha) names.emplace_back("sha");
  return names;
}

const CpuInfo& cpu_info() {
  static const CpuInfo info = detect();
  return info;
}

}  // namespace hashflop::cpu
