// Runs `hashflop gemm` as a subprocess: exit codes, messages and the JSON are the interface.
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "gemm/gemm_variants.hpp"
#include "support/shell.hpp"

namespace {

struct Run {
  int exit_code;
  std::string out;  // stdout only when json, else stdout and stderr
};

Run run(const std::string& args, bool merge_stderr = true) {
  const std::string cmd =
      std::string(HASHFLOP_BINARY) + " gemm " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  const auto shell_result = hashflop::test::run_shell(cmd);
  const std::string& out = shell_result.out;
  return {shell_result.exit_code, out};
}

void expect_usage_error(const std::string& args, const std::string& fragment) {
  const auto r = run(args);
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
  EXPECT_NE(r.out.find(fragment), std::string::npos) << args << "\n" << r.out;
}

TEST(GemmCli, JsonHasOneVerifiedRunPerVariant) {
  const auto r = run("--m 65 --n 97 --k 33 --beta 0.5 --alpha 2 --repetitions 2 --json", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("runs"));
  ASSERT_GE(j["runs"].size(), 1u);
  bool saw_openblas = false;
  for (const auto& run : j["runs"]) {
    for (const char* key : {"impl", "variant", "dtype", "m", "n", "k", "seconds",
                            "flops_per_second", "rel_error", "verification"}) {
      EXPECT_TRUE(run.contains(key)) << key;
    }
    EXPECT_EQ(run["m"], 65);
    EXPECT_EQ(run["k"], 33);
    if (run["verification"] == "not_supported") {
      EXPECT_TRUE(run.contains("reason"));  // an ISA this CPU lacks
      continue;
    }
    EXPECT_EQ(run["verification"], "passed") << run.dump();
    EXPECT_GT(run["flops_per_second"].get<double>(), 0);
    saw_openblas |= run["variant"] == "openblas" && run["impl"] == "vendor";
  }
  EXPECT_TRUE(saw_openblas);
}

// A dtype no CPU variant runs used to print a not_supported row per variant and exit 0, which
// reads as success in a script: it is a usage error, found before anything runs.
TEST(GemmCli, ADtypeNoCpuVariantRunsIsAUsageError) {
  const auto r = run("--size 16 --dtype fp16 --impl tiled --json");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--dtype fp16"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

TEST(GemmCli, TextOutputReportsRateAndVerdict) {
  const auto r = run("--size 64 --impl vendor --threads 1 --repetitions 1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* column : {"variant", "per product", "rate", "verification"}) {
    EXPECT_NE(r.out.find(column), std::string::npos) << column << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("FLOP/s"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("0.0000"), std::string::npos) << "SI prefixes, not zeros: " << r.out;
  EXPECT_NE(r.out.find("passed"), std::string::npos) << r.out;
}

TEST(GemmCli, BadSizesAreUsageErrors) {
  expect_usage_error("--size 0", "positive");
  expect_usage_error("--m 10 --n -3 --k 4", "positive");
  expect_usage_error("--k 0", "positive");
}

TEST(GemmCli, UnknownDtypeOrImplIsAUsageError) {
  expect_usage_error("--size 8 --dtype fp64", "unknown dtype 'fp64'");
  expect_usage_error("--size 8 --impl magic", "unknown impl 'magic'");
  expect_usage_error("--size 8 --device tpu", "tpu");
}

TEST(GemmCli, TooLargeForMemoryFailsBeforeAllocating) {
  const auto r = run("--size 1000000");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("too large for memory"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bytes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("available"), std::string::npos) << r.out;
}

TEST(GemmCli, CudaDeviceRunsTheGpuVariantsOrSaysWhyNot) {
  const auto r = run("--size 8 --device cuda:0 --json");
  // Without a usable GPU: exit 1 and the reason; with one: verified cuda-simt rows.
  if (r.exit_code == 0) {
    EXPECT_NE(r.out.find("cuda-simt"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"passed\""), std::string::npos) << r.out;
  } else {
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.out.find("cuda:0"), std::string::npos) << r.out;
  }
}

}  // namespace
