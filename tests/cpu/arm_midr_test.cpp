// Naming Arm cores from their MIDR, from /proc/cpuinfo text and from a fake sysfs tree. The
// parsers are portable, so they are tested on every host, not only under aarch64.
#include "cpu/arm_midr.hpp"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

namespace hashflop::cpu {
namespace {

constexpr uint32_t grace = 0x410fd4f0;  // Neoverse V2 r0p0, as Grace reports it
constexpr uint32_t x925 = 0x411fd850;
constexpr uint32_t a725 = 0x410fd870;

TEST(ArmMidr, NamesKnownCoresAndSaysWhatIsUnknown) {
  EXPECT_EQ(arm_core_name(grace), "ARM Neoverse V2");
  EXPECT_EQ(arm_core_name(0x414fd0c1), "ARM Neoverse N1");
  EXPECT_EQ(arm_core_name(0x4e0f0040), "NVIDIA Carmel");
  EXPECT_EQ(arm_core_name(0x410fd990), "ARM part 0xd99");
  EXPECT_EQ(arm_core_name(0x120f3450), "implementer 0x12 part 0x345");
  EXPECT_EQ(arm_core_name(0x000f0510), "software-defined (an emulator) part 0x051");  // QEMU max
}

TEST(ArmMidr, DescribesAHomogeneousAndABigLittleCpu) {
  const std::vector<uint32_t> grace72(72, grace);
  EXPECT_EQ(describe_arm_cores(grace72), "ARM Neoverse V2 x72 (MIDR 0x410fd4f0)");
  std::vector<uint32_t> gb10(10, x925);
  gb10.insert(gb10.end(), 10, a725);
  gb10.push_back(a725);  // the more numerous kind comes first
  EXPECT_EQ(describe_arm_cores(gb10),
            "ARM Cortex-A725 x11 (MIDR 0x410fd870) + ARM Cortex-X925 x10 (MIDR 0x411fd850)");
  EXPECT_EQ(describe_arm_cores({}), "");
}

TEST(ArmMidr, ReadsEveryProcessorOfProcCpuinfo) {
  const std::string cpuinfo =
      "processor\t: 0\nBogoMIPS\t: 2000.00\nFeatures\t: fp asimd sha2 sve\n"
      "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd4f\n"
      "CPU revision\t: 0\n\n"
      "processor\t: 1\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x1\n"
      "CPU part\t: 0xd85\nCPU revision\t: 0\n";
  EXPECT_EQ(midrs_from_cpuinfo(cpuinfo), (std::vector<uint32_t>{grace, x925}));
  EXPECT_TRUE(midrs_from_cpuinfo("processor\t: 0\nvendor_id\t: AuthenticAMD\n").empty());
}

TEST(ArmMidr, ReadsSysfsInCpuOrder) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "hashflop-cpus-XXXXXX").string();
  const std::filesystem::path root = mkdtemp(tmpl.data());
  const auto add = [&](const std::string& cpu, const std::string& text) {
    const auto dir = root / cpu / "regs" / "identification";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "midr_el1") << text << "\n";
  };
  add("cpu10", "0x00000000410fd870");
  add("cpu2", "0x00000000411fd850");
  std::filesystem::create_directories(root / "cpufreq");  // not a cpu
  std::filesystem::create_directories(root / "cpu3");     // no regs: an offline core
  EXPECT_EQ(midrs_from_sysfs(root), (std::vector<uint32_t>{x925, a725}));
  EXPECT_TRUE(midrs_from_sysfs(root / "missing").empty());
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace hashflop::cpu
