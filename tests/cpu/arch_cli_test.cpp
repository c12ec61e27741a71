// What this build's CPU detection and registries show through the real binary: `hashflop
// devices` names the CPU and its features, and a variant of the other architecture is an
// unknown name (exit 2) whose message lists what this CPU runs.
#include <string>

#include <gtest/gtest.h>

#include "cpu/cpu_info.hpp"
#include "cpu/sha256d_variants.hpp"
#include "mine/known_headers.hpp"
#include "support/shell.hpp"

namespace {

using hashflop::test::run_shell;

#if defined(__aarch64__)
constexpr const char* other_arch_variant = "shani";
constexpr const char* expected_feature = "asimd";
#else
constexpr const char* other_arch_variant = "sha2";
constexpr const char* expected_feature = "sse4.1";
#endif

TEST(ArchCli, DevicesNamesTheCpuAndItsFeatures) {
  const auto r = run_shell(std::string(HASHFLOP_BINARY) + " devices 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto& cpu = hashflop::cpu::cpu_info();
  EXPECT_FALSE(cpu.model.empty());
  EXPECT_NE(r.out.find(cpu.model), std::string::npos) << r.out;
  for (const auto& f : cpu.feature_names()) EXPECT_NE(r.out.find(f), std::string::npos) << f;
  EXPECT_NE(r.out.find(expected_feature), std::string::npos) << r.out;
}

TEST(ArchCli, AVariantOfTheOtherArchitectureIsUnknownAndListsThisCpusVariants) {
  const std::string header(hashflop::known_headers()[0].header_hex);
  const auto r =
      run_shell(std::string(HASHFLOP_BINARY) + " mine --device cpu --count 10 --header " + header +
                " --variant " + other_arch_variant + " 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("unknown variant"), std::string::npos) << r.out;
  const auto& features = hashflop::cpu::cpu_info().features;
  for (const auto& v : hashflop::cpu::sha256d_variants()) {
    const bool listed = r.out.find(std::string(v.name)) != std::string::npos;
    EXPECT_EQ(listed, v.supported(features)) << v.name << "\n" << r.out;
  }
}

}  // namespace
