// `hashflop tune`, and the wisdom file as `devices` and `run` see it, through the real binary.
// Each test has its own XDG_CACHE_HOME. Nothing here asserts on a rate: tests do not time.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "support/shell.hpp"

#include "backend/backend.hpp"
#include "gemm/gemm_variants.hpp"
#include "results/result.hpp"

namespace {

namespace fs = std::filesystem;

struct TuneCli : ::testing::Test {
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() /
          (std::string("hashflop-tune-cli-") +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path wisdom() const { return dir / "cache" / "hashflop" / "wisdom.json"; }

  // stdout, and stderr in err.
  hashflop::test::ShellResult run(const std::string& args, std::string& err) const {
    const fs::path err_file = dir / "stderr.txt";
    const auto r = hashflop::test::run_shell(
        "XDG_CACHE_HOME=" + (dir / "cache").string() + " HASHFLOP_POWERCAP_ROOT=/nonexistent " +
        hashflop::test::hashflop_binary() + " " + args + " 2>" + err_file.string());
    std::ifstream in(err_file);
    err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return r;
  }
};

const std::string sha_run =
    "run --device cpu --workloads sha256d --quick --duration 0.2 --repetitions 1 --cooldown 0 "
    "--threads 1 --json --out ";

TEST_F(TuneCli, TuneMeasuresEveryVariantAndDevicesThenSaysSo) {
  std::string err;
  auto before = run("devices", err);
  ASSERT_EQ(before.exit_code, 0) << err;
  EXPECT_NE(before.out.find("by CPUID, not yet calibrated"), std::string::npos) << before.out;

  // A small GEMM size keeps the block-size calibration short; nothing here times.
  const auto r = run("tune --device cpu --json --gemm-size 160", err);
  ASSERT_EQ(r.exit_code, 0) << err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("device"), "cpu");
  EXPECT_EQ(j.at("selection").at("chosen_by"), "measured");
  EXPECT_FALSE(j.at("uncalibrated_default").get<std::string>().empty());
  EXPECT_GE(j.at("selection").at("candidates").size(), 2u);
  EXPECT_TRUE(fs::exists(wisdom()));
  for (const auto& g : j.at("gemm")) {
    EXPECT_EQ(g.at("m"), 160);
    EXPECT_EQ(g.at("selection").at("chosen_by"), "measured") << g.dump();
    for (const auto& c : g.at("selection").at("candidates")) {
      EXPECT_EQ(c.at("verification"), "passed") << c.dump();
    }
  }

  // `gemm` at that size and thread count takes the block sizes from the wisdom file.
  const auto again = run("gemm --size 160 --impl tiled --device cpu --repetitions 1 --json", err);
  ASSERT_EQ(again.exit_code, 0) << err;
  // Named: a range-for over a member of a temporary reads freed memory (ASan caught it).
  const auto rows = nlohmann::json::parse(again.out);
  // A variant this CPU cannot run (AVX-512 on a Zen 3) is listed as not_supported, unchosen;
  // the tiled ones are avx2 and avx512 on x86-64, neon on aarch64.
  int tiled_rows = 0;
  for (const auto& row : rows.at("runs")) {
    if (row.at("verification") == "not_supported" || row.at("impl") != "tiled") continue;
    EXPECT_EQ(row.at("selection").at("chosen_by"), "wisdom") << row.dump();
    ++tiled_rows;
  }
  EXPECT_GE(tiled_rows, 1) << rows.dump();

  const auto after = run("devices", err);
  EXPECT_NE(after.out.find("chosen by measurement"), std::string::npos) << after.out;

  // `verify` finds the known nonces with that same measured choice (it once took CPUID's), and
  // says which and how it was chosen.
  const auto verify = run("verify --device cpu --json", err);
  ASSERT_EQ(verify.exit_code, 0) << err;
  const auto checks = nlohmann::json::parse(verify.out);
  const std::string chosen = j.at("selection").at("choice");
  int known_nonce_checks = 0;
  for (const auto& c : checks.at("checks")) {
    const std::string name = c.at("name");
    if (name.find("nonce found") == std::string::npos) continue;
    ++known_nonce_checks;
    EXPECT_TRUE(name.ends_with("(" + chosen + ")")) << name << " against " << chosen;
    EXPECT_NE(c.at("detail").get<std::string>().find("from the wisdom file"), std::string::npos)
        << c.dump();
  }
  EXPECT_EQ(known_nonce_checks, 2) << verify.out;

  // Without --device, tune calibrates the CPU.
  const auto table = run("tune --no-wisdom --threads 1 --gemm-size 96", err);
  ASSERT_EQ(table.exit_code, 0) << err;
  EXPECT_NE(table.out.find("sha256d on cpu "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("<- chosen"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("(default before calibration)"), std::string::npos) << table.out;
}

// A wisdom file that cannot be used is said by `devices` (it once passed over it in silence), and
// `tune` names no file it could not write, and reports a failed stdout write as a failure.
TEST_F(TuneCli, UnusableWisdomIsSaidAndAnUnsavedFileIsNotNamed) {
  fs::create_directories(wisdom().parent_path());
  std::ofstream(wisdom()) << "{ not json";
  std::string err;
  const auto devices = run("devices", err);
  EXPECT_EQ(devices.exit_code, 0) << err;
  EXPECT_NE(err.find("ignoring the wisdom file"), std::string::npos) << err;

  // The cache directory is a file: nothing can be saved under it.
  fs::remove_all(dir / "cache");
  std::ofstream(dir / "cache") << "a file, not a directory\n";
  const auto tuned = run("tune --threads 1 --no-gemm", err);
  EXPECT_EQ(tuned.exit_code, 0) << err;
  EXPECT_NE(err.find("cannot save the wisdom file"), std::string::npos) << err;
  EXPECT_EQ(tuned.out.find("wisdom: " + wisdom().string()), std::string::npos) << tuned.out;
  EXPECT_NE(tuned.out.find("wisdom: not saved"), std::string::npos) << tuned.out;

  EXPECT_EQ(run("devices --json > /dev/full", err).exit_code, 1) << err;
  EXPECT_NE(err.find("cannot write standard output"), std::string::npos) << err;
}

// Without a usable GPU, tuning one is a device failure (1) in one line, and nothing is written;
// a device name that is not one is bad input (2).
TEST_F(TuneCli, TuningAMissingGpuExits1InOneLineAndWritesNothing) {
  if (!hashflop::cuda_unavailable_reason()) GTEST_SKIP() << "a CUDA device is present";
  std::string err;
  const auto r = run("tune --device cuda:0", err);
  EXPECT_EQ(r.exit_code, 1) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_NE(err.find("cuda:0"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(wisdom()));
  EXPECT_EQ(run("tune --device gpu7", err).exit_code, 2) << err;
  // --threads names CPU threads: a usage error for a GPU, found before any device is opened.
  EXPECT_EQ(run("tune --device cuda:0 --threads 2", err).exit_code, 2) << err;
  EXPECT_NE(err.find("--threads applies to the CPU only"), std::string::npos) << err;
}

// On a GPU: every kernel checked, every trial timed, the fastest kept; nothing about threads.
// Named Cuda* so that scripts/gpu-check.sh's test step runs it.
using CudaTuneCli = TuneCli;
TEST_F(CudaTuneCli, TuneOnAGpuTimesEveryKernelAndGeometry) {
  if (const auto reason = hashflop::cuda_unavailable_reason()) {
    GTEST_SKIP() << "no CUDA device: " << *reason;
  }
  std::string err;
  const auto r = run("tune --device cuda:0 --json", err);
  ASSERT_EQ(r.exit_code, 0) << err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j.at("device"), "cuda:0");
  EXPECT_TRUE(j.at("threads").is_null());
  EXPECT_FALSE(j.at("uncalibrated_default").get<std::string>().empty());
  EXPECT_TRUE(j.at("gemm").empty());
  EXPECT_EQ(j.at("selection").at("chosen_by"), "measured");
  for (const auto& c : j.at("selection").at("candidates")) {
    EXPECT_EQ(c.at("verification"), "passed") << c.dump();
  }
  EXPECT_TRUE(fs::exists(wisdom()));
  const auto devices = run("devices", err);
  EXPECT_NE(devices.out.find("(chosen by measurement on"), std::string::npos) << devices.out;
}

TEST_F(TuneCli, RunRecordsHowItsVariantWasChosenAndReusesTheCalibration) {
  std::string err;
  const auto first = run(sha_run + (dir / "a.json").string(), err);
  ASSERT_EQ(first.exit_code, 0) << err;
  const auto a = hashflop::results::load_result(dir / "a.json");
  ASSERT_TRUE(a.runs.at(0).selection.has_value());
  EXPECT_EQ(a.runs[0].selection->chosen_by, hashflop::results::ChosenBy::measured);
  EXPECT_EQ(a.runs[0].selection->choice, a.runs[0].variant);
  EXPECT_TRUE(a.runs[0].selection->calibration_seconds.has_value());

  const auto second = run(sha_run + (dir / "b.json").string(), err);
  ASSERT_EQ(second.exit_code, 0) << err;
  const auto b = hashflop::results::load_result(dir / "b.json");
  EXPECT_EQ(b.runs.at(0).selection->chosen_by, hashflop::results::ChosenBy::wisdom);
  EXPECT_EQ(b.runs[0].variant, a.runs[0].variant);

  // --no-wisdom calibrates again and leaves the file as it was.
  const auto stamp = fs::last_write_time(wisdom());
  const auto third = run(sha_run + (dir / "c.json").string() + " --no-wisdom", err);
  ASSERT_EQ(third.exit_code, 0) << err;
  EXPECT_EQ(hashflop::results::load_result(dir / "c.json").runs.at(0).selection->chosen_by,
            hashflop::results::ChosenBy::measured);
  EXPECT_EQ(fs::last_write_time(wisdom()), stamp);
}

TEST_F(TuneCli, RunRecordsHowItsGemmBlockSizesWereChosenAndReusesThem) {
  const std::string gemm_run =
      "run --device cpu --workloads gemm --gemm-size 96 --quick --duration 0.05 --repetitions 1 "
      "--cooldown 0 --threads 1 --json --out ";
  std::string err;
  const auto first = run(gemm_run + (dir / "g1.json").string(), err);
  ASSERT_EQ(first.exit_code, 0) << err;
  const auto second = run(gemm_run + (dir / "g2.json").string(), err);
  ASSERT_EQ(second.exit_code, 0) << err;
  const auto a = hashflop::results::load_result(dir / "g1.json");
  const auto b = hashflop::results::load_result(dir / "g2.json");
  size_t tiled = 0;
  for (size_t i = 0; i < a.runs.size(); ++i) {
    // Tiled per the registry (avx2 and avx512 on x86-64, neon on aarch64), not per a list here.
    const auto* variant = hashflop::gemm::find_gemm_variant(a.runs[i].variant);
    ASSERT_NE(variant, nullptr) << a.runs[i].variant;
    if (variant->tiled == nullptr) {
      EXPECT_FALSE(a.runs[i].selection.has_value()) << a.runs[i].variant;
      continue;
    }
    ++tiled;
    ASSERT_TRUE(a.runs[i].selection.has_value()) << a.runs[i].variant;
    EXPECT_EQ(a.runs[i].selection->chosen_by, hashflop::results::ChosenBy::measured);
    EXPECT_NE(a.runs[i].params.text("settings").find(a.runs[i].selection->choice),
              std::string::npos);
    ASSERT_TRUE(b.runs.at(i).selection.has_value());
    EXPECT_EQ(b.runs[i].selection->chosen_by, hashflop::results::ChosenBy::wisdom);
    EXPECT_EQ(b.runs[i].selection->choice, a.runs[i].selection->choice);
  }
  EXPECT_GE(tiled, 1u);
}

TEST_F(TuneCli, ACorruptWisdomFileIsOneWarningAndTheRunGoesOn) {
  fs::create_directories(wisdom().parent_path());
  std::ofstream(wisdom()) << "\x01 not json";
  std::string err;
  const auto r = run(sha_run + (dir / "r.json").string(), err);
  ASSERT_EQ(r.exit_code, 0) << err;
  size_t warnings = 0;
  for (size_t at = err.find("wisdom file"); at != std::string::npos;
       at = err.find("wisdom file", at + 1))
    ++warnings;
  EXPECT_EQ(warnings, 1u) << err;
  EXPECT_NE(err.find("warning: ignoring the wisdom file: " + wisdom().string()), std::string::npos)
      << err;
  // Rebuilt: the next run takes its answer from it.
  const auto again = run(sha_run + (dir / "s.json").string(), err);
  ASSERT_EQ(again.exit_code, 0) << err;
  EXPECT_EQ(err.find("wisdom file"), std::string::npos) << err;
  EXPECT_NE(err.find("from wisdom"), std::string::npos) << err;
}

TEST_F(TuneCli, AnUnknownVariantStillExits2WithTheVariantsThisCpuRuns) {
  std::string err;
  const auto r =
      run("mine --header "
          "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b2"
          "7ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c "
          "--count 1000 --variant sse9",
          err);
  EXPECT_EQ(r.exit_code, 2) << err;
  EXPECT_NE(err.find("unknown variant 'sse9' (this CPU runs: scalar"), std::string::npos) << err;
}

}  // namespace
