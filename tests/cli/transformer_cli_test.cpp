// `hashflop run --workloads transformer` and `hashflop transformer` through the real binary:
// bad input exits 2 with a one-line reason, and a short run writes verified tokens per phase.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "support/shell.hpp"

namespace {

namespace fs = std::filesystem;

hashflop::test::ShellResult hashflop_cmd(const std::string& args) {
  return hashflop::test::run_hashflop(args);
}

void expect_usage_error(const std::string& args, const std::string& fragment) {
  const auto r = hashflop_cmd(args);
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
  EXPECT_NE(r.out.find(fragment), std::string::npos) << args << "\n" << r.out;
}

TEST(TransformerCli, UnknownModelExitsTwoListingThePresets) {
  expect_usage_error("run --device cpu --workloads transformer --model llama-4", "unknown model");
  expect_usage_error("transformer --device cpu --model nope",
                     "llama-3.2-1b, llama-3.1-8b, llama-3.1-70b");
}

TEST(TransformerCli, BatchPromptOrContextOfZeroOrBelowExitsTwo) {
  expect_usage_error("transformer --device cpu --decode 0", "decode batch must be > 0");
  expect_usage_error("transformer --device cpu --decode 1,-4", "decode batch must be > 0");
  expect_usage_error("transformer --device cpu --context 0", "decode context must be > 0");
  expect_usage_error("transformer --device cpu --context -1", "decode context must be > 0");
  expect_usage_error("transformer --device cpu --prefill 0x128", "prefill batch must be > 0");
  expect_usage_error("transformer --device cpu --prefill 4x0", "prefill prompt length must be > 0");
  expect_usage_error("transformer --device cpu --prefill 4by8", "expected BATCHxPROMPT");
  expect_usage_error("transformer --device cpu --prefill '' --decode ''", "no phase");
}

TEST(TransformerCli, APresetTooLargeForMemoryIsRefusedBeforeMeasuringWithTheBytes) {
  // A KV cache of 2^20 sequences x 2^20 tokens: petabytes.
  const auto r = hashflop_cmd(
      "run --device cpu --quick --workloads transformer --prefill '' --decode 1048576 "
      "--context 1048576 --out " +
      (fs::temp_directory_path() / "hashflop-transformer-too-large.json").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("too large for memory: needs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bytes"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("window"), std::string::npos) << "measured before refusing:\n" << r.out;
}

TEST(TransformerCli, QuickRunWritesVerifiedTokensPerPhaseAndBatch) {
  const fs::path out = fs::temp_directory_path() / "hashflop-transformer-cli.json";
  fs::remove(out);
  const auto r = hashflop_cmd(
      "run --device cpu --quick --workloads transformer --prefill 1x8 --decode 1,2 --context 32 "
      "--duration 0.2 --repetitions 1 --cooldown 0 --assume-watts 7.5 --out " +
      out.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("tokens/J"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("memory ceiling:"), std::string::npos) << r.out;
  std::ifstream in(out);
  const auto j = nlohmann::json::parse(in);
  std::vector<std::string> variants;
  for (const auto& run : j.at("runs")) {
    EXPECT_EQ(run.at("workload"), "transformer");
    EXPECT_EQ(run.at("verification").at("status"), "passed") << run.dump(1);
    variants.push_back(run.at("variant"));
    if (run.at("work_unit") == "token") {
      EXPECT_EQ(run.at("params").at("model"), "llama-3.2-1b");
      EXPECT_GT(run.at("rate").get<double>(), 0);
      EXPECT_TRUE(run.at("energy").at("assumed").get<bool>());
      for (const auto& p : run.at("params").at("settings").at("products"))
        EXPECT_FALSE(p.at("variant").get<std::string>().empty()) << p.dump();
    }
  }
  EXPECT_EQ(variants, (std::vector<std::string>{"memcopy", "prefill-1x8", "decode-b1-ctx32",
                                                "decode-b2-ctx32"}));
  fs::remove(out);
}

TEST(TransformerCli, QuickLookPrintsTheTokenTableWithoutWritingAFile) {
  const auto r =
      hashflop_cmd("transformer --device cpu --prefill '' --decode 1 --context 16 --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("decode-b1-ctx16"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("upper bound"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("results written"), std::string::npos) << r.out;
}

}  // namespace
