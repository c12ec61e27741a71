// aarch64 detection. Instruction sets come from the HWCAP bits the kernel passes in the
// auxiliary vector: they say what the CPU has and the kernel enabled (SVE needs kernel
// support to save its registers, as AVX does on x86). The model is named from the MIDR,
// found in sysfs, else /proc/cpuinfo, else read with mrs (Linux emulates the read for EL0
// when HWCAP_CPUID is set, which is how QEMU's user mode shows one).
#include <asm/hwcap.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "cpu/arm_midr.hpp"
#include "cpu/cpu_info.hpp"

namespace hashflop::cpu {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every core's MIDR from sysfs or /proc/cpuinfo; else the running core's alone, which says
// nothing about the others.
std::string detect_model(unsigned long hwcap) {
  auto midrs = midrs_from_sysfs("/sys/devices/system/cpu");
  if (midrs.empty()) midrs = midrs_from_cpuinfo(read_file("/proc/cpuinfo"));
  if (!midrs.empty()) return describe_arm_cores(midrs);
  if ((hwcap & HWCAP_CPUID) != 0) {
    uint64_t midr = 0;
    __asm__ volatile("mrs %0, midr_el1" : "=r"(midr));  // no intrinsic reads MIDR_EL1 in GCC 12
    return fmt::format("{} (MIDR 0x{:08x}, this core's)",
                       arm_core_name(static_cast<uint32_t>(midr)), static_cast<uint32_t>(midr));
  }
  return "unknown aarch64 CPU (no MIDR in sysfs or /proc/cpuinfo)";
}

// "48K", "1024K", "32M" as sysfs prints cache sizes.
size_t parse_cache_size(const std::string& text) {
  size_t value = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    value = value * 10 + static_cast<size_t>(text[i] - '0');
  }
  if (i < text.size() && text[i] == 'K') value <<= 10;
  if (i < text.size() && text[i] == 'M') value <<= 20;
  return value;
}

// Core 0's data and unified caches from sysfs, where Linux reports them on every architecture
// (the x86 path's CPUID leaves have no Arm counterpart readable from user space).
CacheSizes detect_caches() {
  CacheSizes sizes;
  for (int index = 0; index < 8; ++index) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    std::string type = read_file(dir + "/type");
    if (type.empty()) break;
    if (type.rfind("Instruction", 0) == 0) continue;
    const int level = std::atoi(read_file(dir + "/level").c_str());
    const size_t bytes = parse_cache_size(read_file(dir + "/size"));
    if (level == 1) sizes.l1d = bytes;
    if (level == 2) sizes.l2 = bytes;
    if (level == 3) sizes.l3 = bytes;
  }
  return sizes;
}

CpuInfo detect() {
  CpuInfo info;
  info.logical_cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned long hwcap = getauxval(AT_HWCAP);
  const unsigned long hwcap2 = getauxval(AT_HWCAP2);
  info.features.asimd = (hwcap & HWCAP_ASIMD) != 0;
  info.features.sha2 = (hwcap & HWCAP_SHA2) != 0;
  info.features.sha512 = (hwcap & HWCAP_SHA512) != 0;
  info.features.sve = (hwcap & HWCAP_SVE) != 0;
  info.features.sve2 = (hwcap2 & HWCAP2_SVE2) != 0;
  info.features.bf16 = (hwcap2 & HWCAP2_BF16) != 0;
  info.features.i8mm = (hwcap2 & HWCAP2_I8MM) != 0;
  info.model = detect_model(hwcap);
  info.caches = detect_caches();
  return info;
}

}  // namespace

std::vector<std::string> CpuInfo::feature_names() const {
  std::vector<std::string> names;
  if (features.asimd) names.emplace_back("asimd");
  if (features.sha2) names.emplace_back("sha2");
  if (features.sha512) names.emplace_back("sha512");
  if (features.sve) names.emplace_back("sve");
  if (features.sve2) names.emplace_back("sve2");
  if (features.bf16) names.emplace_back("bf16");
  if (features.i8mm) names.emplace_back("i8mm");
  return names;
}

const CpuInfo& cpu_info() {
  static const CpuInfo info = detect();
  return info;
}

}  // namespace hashflop::cpu
