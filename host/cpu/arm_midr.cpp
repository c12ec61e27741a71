#include "cpu/arm_midr.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

namespace hashflop::cpu {
namespace {

struct Part {
  uint32_t implementer, part;
  std::string_view name;
};

// Part numbers as Arm's technical reference manuals and Linux's arch/arm64 cputype.h list them.
// The cores of the machines hashflop is aimed at come first: Neoverse V2 is Grace (GH200,
// GB200, GB300); Cortex-X925 and Cortex-A725 are DGX Spark's GB10.
constexpr Part kParts[] = {
    {0x41, 0xd4f, "Neoverse V2"}, {0x41, 0xd85, "Cortex-X925"},  {0x41, 0xd87, "Cortex-A725"},
    {0x41, 0xd0c, "Neoverse N1"}, {0x41, 0xd40, "Neoverse V1"},  {0x41, 0xd49, "Neoverse N2"},
    {0x41, 0xd84, "Neoverse V3"}, {0x41, 0xd8e, "Neoverse N3"},  {0x41, 0xd4a, "Neoverse E1"},
    {0x41, 0xd03, "Cortex-A53"},  {0x41, 0xd04, "Cortex-A35"},   {0x41, 0xd05, "Cortex-A55"},
    {0x41, 0xd07, "Cortex-A57"},  {0x41, 0xd08, "Cortex-A72"},   {0x41, 0xd09, "Cortex-A73"},
    {0x41, 0xd0a, "Cortex-A75"},  {0x41, 0xd0b, "Cortex-A76"},   {0x41, 0xd0d, "Cortex-A77"},
    {0x41, 0xd41, "Cortex-A78"},  {0x41, 0xd44, "Cortex-X1"},    {0x41, 0xd46, "Cortex-A510"},
    {0x41, 0xd47, "Cortex-A710"}, {0x41, 0xd48, "Cortex-X2"},    {0x41, 0xd4d, "Cortex-A715"},
    {0x41, 0xd4e, "Cortex-X3"},   {0x41, 0xd80, "Cortex-A520"},  {0x41, 0xd81, "Cortex-A720"},
    {0x41, 0xd82, "Cortex-X4"},   {0x4e, 0x003, "Denver 2"},     {0x4e, 0x004, "Carmel"},
    {0x46, 0x001, "A64FX"},       {0x51, 0x001, "Oryon"},        {0xc0, 0xac3, "Ampere-1"},
    {0xc0, 0xac4, "Ampere-1a"},   {0x61, 0x022, "M1 Icestorm"},  {0x61, 0x023, "M1 Firestorm"},
    {0x61, 0x032, "M2 Blizzard"}, {0x61, 0x033, "M2 Avalanche"}, {0x48, 0xd01, "TaiShan v110"},
};

// Implementer codes from the Arm Architecture Reference Manual (MIDR_EL1). 0x00 is reserved
// for software use: QEMU's "max" CPU reports it.
std::string_view implementer_name(uint32_t implementer) {
  switch (implementer) {
    case 0x00:
      return "software-defined (an emulator)";
    case 0x41:
      return "ARM";
    case 0x42:
      return "Broadcom";
    case 0x43:
      return "Cavium";
    case 0x46:
      return "Fujitsu";
    case 0x48:
      return "HiSilicon";
    case 0x4e:
      return "NVIDIA";
    case 0x50:
      return "APM";
    case 0x51:
      return "Qualcomm";
    case 0x53:
      return "Samsung";
    case 0x61:
      return "Apple";
    case 0x6d:
      return "Microsoft";
    case 0xc0:
      return "Ampere";
    default:
      return {};
  }
}

// "0x41" or "65": /proc/cpuinfo prints hex with a prefix, but accept what strtoul accepts.
std::optional<uint32_t> parse_number(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const unsigned long v = std::strtoul(s.c_str(), &end, 0);
  if (end == s.c_str()) return std::nullopt;
  return static_cast<uint32_t>(v);
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::string arm_core_name(uint32_t midr) {
  const uint32_t implementer = midr >> 24;
  const uint32_t part = (midr >> 4) & 0xfff;
  const std::string_view vendor = implementer_name(implementer);
  for (const auto& p : kParts) {
    if (p.implementer == implementer && p.part == part) return fmt::format("{} {}", vendor, p.name);
  }
  if (vendor.empty()) return fmt::format("implementer 0x{:02x} part 0x{:03x}", implementer, part);
  return fmt::format("{} part 0x{:03x}", vendor, part);
}

std::string describe_arm_cores(std::span<const uint32_t> midrs) {
  std::map<uint32_t, unsigned> counts;
  for (uint32_t m : midrs) ++counts[m];
  std::vector<std::pair<uint32_t, unsigned>> kinds(counts.begin(), counts.end());
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [midr, n] : kinds) {
    if (!text.empty()) text += " + ";
    text += fmt::format("{} x{} (MIDR 0x{:08x})", arm_core_name(midr), n, midr);
  }
  return text;
}

std::vector<uint32_t> midrs_from_cpuinfo(std::string_view text) {
  std::vector<uint32_t> midrs;
  std::optional<uint32_t> implementer, variant, part, revision;
  const auto flush = [&] {
    if (implementer && part) {
      // Bits 19:16 (architecture) read 0xf on every Armv7 and later core; cpuinfo omits them.
      midrs.push_back((*implementer << 24) | (variant.value_or(0) << 20) | (0xfu << 16) |
                      (*part << 4) | revision.value_or(0));
    }
    implementer = variant = part = revision = std::nullopt;
  };
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      if (trim(line).empty()) flush();  // a blank line ends a processor's block
      continue;
    }
    const std::string_view key = trim(std::string_view(line).substr(0, colon));
    const std::string_view value = trim(std::string_view(line).substr(colon + 1));
    if (key == "processor") flush();
    if (key == "CPU implementer") implementer = parse_number(value);
    if (key == "CPU variant") variant = parse_number(value);
    if (key == "CPU part") part = parse_number(value);
    if (key == "CPU revision") revision = parse_number(value);
  }
  flush();
  return midrs;
}

std::vector<uint32_t> midrs_from_sysfs(const std::filesystem::path& cpu_root) {
  namespace fs = std::filesystem;
  std::vector<std::pair<unsigned, uint32_t>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(cpu_root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 4 || name.compare(0, 3, "cpu") != 0 ||
        name.find_first_not_of("0123456789", 3) != std::string::npos) {
      continue;
    }
    std::ifstream in(entry.path() / "regs" / "identification" / "midr_el1");
    std::string text;
    if (!(in >> text)) continue;
    if (const auto midr = parse_number(text)) {
      found.emplace_back(static_cast<unsigned>(std::stoul(name.substr(3))), *midr);
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<uint32_t> midrs;
  for (const auto& [cpu, midr] : found) midrs.push_back(midr);
  return midrs;
}

}  // namespace hashflop::cpu
