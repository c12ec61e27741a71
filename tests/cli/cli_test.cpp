// Runs the real binary: exit codes and messages are part of the interface.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "support/shell.hpp"

#include "cli/suggest.hpp"
#include "mine/known_headers.hpp"

namespace {

using Run = hashflop::test::ShellResult;  // out: stdout and stderr together
Run run(const std::string& args) {
  return hashflop::test::run_hashflop(args);
}

std::string genesis() {
  return std::string(hashflop::known_headers()[0].header_hex);
}

void expect_usage_error(const std::string& args, const std::string& fragment) {
  const auto r = run(args);
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
  EXPECT_NE(r.out.find(fragment), std::string::npos) << args << "\n" << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one-line error expected:\n"
                                                             << r.out;
}

}  // namespace

TEST(Cli, MineFindsTheGenesisNonceAsJson) {
  const auto r =
      run("mine --device cpu --json --header " + genesis() + " --start 2083236000 --count 2000");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"device", "variant", "start", "count", "nonces_tried", "seconds",
                          "hashes_per_second", "target", "found"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["nonces_tried"], 2000);
  EXPECT_EQ(j["settings"]["threads"].type(), nlohmann::json::value_t::number_unsigned) << r.out;
  EXPECT_EQ(j["rate_meaningful"], false) << "2,000 nonces time the start-up, not the kernel";
  ASSERT_EQ(j["found"].size(), 1u);
  EXPECT_EQ(j["found"][0]["nonce"], 2083236893u);
  EXPECT_EQ(j["found"][0]["hash"],
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  EXPECT_EQ(j["target"], "00000000ffff0000000000000000000000000000000000000000000000000000");
}

TEST(Cli, MineAcceptsBitsTargetAndDifficulty) {
  const std::string base =
      "mine --device cpu --json --header " + genesis() + " --start 0 --count 64 ";
  auto count_found = [&](const std::string& extra) {
    const auto r = run(base + extra);
    EXPECT_EQ(r.exit_code, 0) << extra << r.out;
    return nlohmann::json::parse(r.out)["found"].size();
  };
  EXPECT_EQ(
      count_found("--target ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
      64u);
  EXPECT_EQ(count_found("--bits 207fffff") + 0, count_found("--difficulty 4.6565423739069247e-10"));
  EXPECT_EQ(count_found("--difficulty 1"), 0u);
}

TEST(Cli, VerifyPassesOnTheCpu) {
  const auto r = run("verify --device cpu");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("PASS"), std::string::npos);
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
}

TEST(Cli, DevicesListsTheCpuAndExplainsMissingGpus) {
  const auto r = run("devices --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_GE(j["devices"].size(), 1u);
  EXPECT_EQ(j["devices"][0]["id"], "cpu");
  if (j["devices"].size() == 1) {
    EXPECT_GE(j["cuda_unavailable"].size(), 1u);
  }
}

TEST(Cli, RejectsMalformedHeaders) {
  const auto g = genesis();
  expect_usage_error("mine --header " + g.substr(1), "odd");
  expect_usage_error("mine --header " + g.substr(0, 158), "79 bytes");
  expect_usage_error("mine --header " + g + "00", "81 bytes");
  expect_usage_error("mine --header " + g.substr(0, 159) + "z", "not a hex digit");
}

TEST(Cli, RejectsBadRanges) {
  const auto g = genesis();
  expect_usage_error("mine --header " + g + " --count 0", "at least 1");
  expect_usage_error("mine --header " + g + " --start 4294967295 --count 2", "past the last nonce");
  expect_usage_error("mine --header " + g + " --start 4294967296", "past the last nonce");
  expect_usage_error("mine --header " + g + " --count -5", "not an unsigned integer");
  // start + count used to wrap and search wrapped nonces for ever.
  expect_usage_error("mine --header " + g + " --start 1 --count 18446744073709551615",
                     "more than the 2^32 nonces");
}

TEST(Cli, RejectsBadTargets) {
  const auto g = genesis();
  expect_usage_error("mine --header " + g + " --bits 1d80ffff", "sign bit");
  expect_usage_error("mine --header " + g + " --bits ff123456", "overflows");
  expect_usage_error("mine --header " + g + " --bits 1d000000", "zero");
  expect_usage_error("mine --header " + g + " --difficulty 0", "positive");
  expect_usage_error("mine --header " + g + " --difficulty 1e-4930", "above 2^256");
  expect_usage_error("mine --header " + g + " --difficulty 1e4932", "target of zero");
  expect_usage_error("mine --header " + g + " --difficulty nan", "positive");
  expect_usage_error("mine --header " + g + " --bits 1d00ffff --difficulty 2", "excludes");
}

TEST(Cli, RejectsUnknownVariantsAndDevices) {
  const auto g = genesis();
  expect_usage_error("mine --header " + g + " --device cpu --variant turbo", "unknown variant");
  expect_usage_error("mine --header " + g + " --device tpu:0", "unknown device");
  expect_usage_error("verify --device gpu", "unknown device");
  expect_usage_error("frobnicate", "frobnicate");
}

// NaN passes every `x < min || x > max` range check; --duration nan used to hash for ever.
TEST(Cli, RejectsNonFiniteNumbers) {
  for (const char* opt : {"--duration", "--cooldown", "--rank-timeout", "--assume-watts"}) {
    for (const char* v : {"nan", "inf", "-nan"}) {
      expect_usage_error(std::string("run --device cpu ") + opt + " " + v, "is not a number");
    }
  }
  expect_usage_error("gemm --size 8 --alpha nan", "is not a number");
  expect_usage_error("gemm --size 8 --beta inf", "is not a number");
}

// The raw parser's "Could not convert: --size = abc" is gone: every option error names the
// option, the problem and where to look, in one line, exit 2.
TEST(Cli, AValueOfTheWrongKindIsOneLineInTheProjectsStyle) {
  expect_usage_error("gemm --size abc",
                     "hashflop: --size: 'abc' is not a positive whole number (see `hashflop gemm "
                     "--help`)");
  expect_usage_error("gemm --m 0", "--m: '0' is not a positive whole number");
  expect_usage_error("run --context abc",
                     "hashflop: --context: 'abc' is not a value it takes (see `hashflop run "
                     "--help`)");
  expect_usage_error("tune --threads many", "--threads: 'many' is not a whole number (see");
  const auto r = run("gemm --size abc");
  EXPECT_EQ(r.out.find("Could not convert"), std::string::npos) << r.out;
}

TEST(Cli, ReportsAMissingGpuAsADeviceFailure) {
  const auto r = run("mine --device cuda:7 --header " + genesis() + " --count 10");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("cuda:7"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

// What a newcomer types first: each mistake gets one line that says what to do instead.
TEST(Cli, MistypedCommandsAndOptionsGetASuggestion) {
  expect_usage_error("rn --quick", "did you mean 'run'?");
  expect_usage_error("mnie --header x", "did you mean 'mine'?");
  expect_usage_error("run --quik", "did you mean --quick?");
  expect_usage_error("gemm --sise 64", "did you mean --size?");
  expect_usage_error("run --frobnicate", "unknown option --frobnicate for `hashflop run`");
}

TEST(Cli, OptionErrorsSayWhatIsWrongInPlainWords) {
  expect_usage_error("run --duration abc", "'abc' is not a number");
  expect_usage_error("run --duration 0", "0 is out of range 0.01 to 86400");
  expect_usage_error("run --threads 2.5", "'2.5' is not a whole number");
  const auto zero = run("run --assume-watts 0");
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.out.find("must be above 0"), std::string::npos) << zero.out;
  EXPECT_LT(zero.out.size(), 120u) << "no 309-digit bound: " << zero.out;
  expect_usage_error("run --device foo", "all");
  expect_usage_error("run --device cuda:local --out /tmp/x.json", "needs a launcher");
  expect_usage_error("mine --device all --header " + genesis() + " --count 1", "cuda:N");
}

TEST(Cli, ADtypeNoVariantRunsIsAUsageErrorNotAnEmptyTable) {
  expect_usage_error("gemm --device cpu --dtype fp16 --size 8", "no cpu GEMM variant");
}

TEST(Cli, BareHashflopShowsTheCommands) {
  const auto r = run("");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  for (const char* word : {"devices", "verify", "mine", "gemm", "run", "compare", "report"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
  }
}

TEST(Cli, VersionSaysWhatWasBuilt) {
  const auto r = run("--version");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(HASHFLOP_VERSION), std::string::npos) << r.out;
  for (const char* word : {"commit", "build", "CUDA", "MPI"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
  }
}

TEST(Suggest, NearWordsOnly) {
  using hashflop::cli::closest;
  const std::vector<std::string> commands{"devices", "verify", "mine", "gemm", "run", "report"};
  EXPECT_EQ(closest("rn", commands), "run");
  EXPECT_EQ(closest("gemn", commands), "gemm");
  EXPECT_EQ(closest("reprot", commands), "report") << "a swap is one edit";
  EXPECT_EQ(closest("x", commands), std::nullopt);
  EXPECT_EQ(closest("benchmark", commands), std::nullopt);
  EXPECT_EQ(closest("run", commands), std::nullopt) << "an exact word is no typo";
}
