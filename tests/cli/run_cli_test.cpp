// `hashflop run` end to end through the real binary: a valid results file, and the honesty
// check — a fake RAPL counter rising at a known 50 W (and wrapping) must be reported as 50 W.
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "support/shell.hpp"

#include "../energy/fake_powercap.hpp"
#include "results/json_parts.hpp"
#include "results/result.hpp"

namespace {

namespace fs = std::filesystem;

struct Run {
  int exit_code;
  std::string out, err;
};

// stdout and stderr apart: --json must leave stdout as pure JSON.
Run run(const std::string& env, const std::string& args) {
  // Per test: ctest runs this file's tests in parallel processes.
  const fs::path err = fs::temp_directory_path() /
                       (std::string("hashflop-run-cli-stderr-") +
                        ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".txt");
  const std::string cmd = env + " " + HASHFLOP_BINARY + " " + args + " 2>" + err.string();
  const auto shell_result = hashflop::test::run_shell(cmd);
  const std::string& out = shell_result.out;
  std::ifstream in(err);
  const std::string err_text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return {shell_result.exit_code, out, err_text};
}

const std::string quick =
    "run --device cpu --quick --duration 0.3 --repetitions 2 --cooldown 0 --gemm-size 256 --json";

TEST(RunCli, CpuQuickWritesAValidResultsFile) {
  const fs::path out = fs::temp_directory_path() / "hashflop-run-cli" / "r.json";
  fs::remove_all(out.parent_path());
  fs::create_directories(out.parent_path());  // --out makes no folder
  const auto r = run("HASHFLOP_POWERCAP_ROOT=/nonexistent HASHFLOP_HWMON_ROOT=/nonexistent",
                     quick + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);  // stdout is the JSON and nothing else
  EXPECT_EQ(j["schema"], "hashflop/result/v1");
  const auto loaded = hashflop::results::load_result(out);
  EXPECT_EQ(hashflop::results::to_json(loaded), j);
  EXPECT_FALSE(loaded.incomplete);
  ASSERT_GE(loaded.runs.size(), 2u);
  EXPECT_EQ(loaded.runs[0].workload, hashflop::WorkloadKind::sha256d);
  EXPECT_EQ(loaded.runs[0].work_unit, "hash");
  for (const auto& run : loaded.runs) {
    EXPECT_EQ(run.verification, hashflop::Verdict::passed)
        << run.variant << ": " << run.verification_detail;
    EXPECT_EQ(run.samples.size(), 2u);
    EXPECT_GT(run.rate, 0);
    EXPECT_FALSE(run.energy);
    EXPECT_FALSE(run.per_joule);
    EXPECT_NE(run.energy_unavailable_reason.find("no powercap interface"), std::string::npos);
  }
  EXPECT_EQ(loaded.runs[1].workload, hashflop::WorkloadKind::gemm);
  EXPECT_EQ(loaded.runs[1].params.number("m"), 256.0);
  EXPECT_EQ(j["headline"]["basis"], "rate");
  EXPECT_FALSE(j["host"]["kernel"].get<std::string>().empty());
  EXPECT_FALSE(j["tool"]["git_commit"].get<std::string>().empty());
  fs::remove_all(out.parent_path());
}

TEST(RunCli, FakeRaplAt50WattsIsReportedAs50Watts) {
  FakePowercap fake;
  constexpr uint64_t range_uj = 20000000;  // 20 J: wraps every 0.4 s at 50 W, several times a run
  fake.add_domain("intel-rapl:0", "package-0", 0, range_uj);
  fake.add_domain("intel-rapl:0:0", "core", 0, range_uj);  // a sub-domain that never moves
  fake.start_writer("intel-rapl:0", 50.0, range_uj);
  const fs::path out = fs::temp_directory_path() / "hashflop-run-cli-rapl.json";
  // One worker thread leaves a core to the writer, so the fake counter keeps real time.
  const auto r = run("HASHFLOP_POWERCAP_ROOT=" + fake.root().string(),
                     quick + " --workloads sha256d,gemm --threads 1 --out " + out.string());
  fake.stop_writer();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto result = hashflop::results::load_result(out);
  ASSERT_FALSE(result.runs.empty());
  // Each window edge may read a value up to one writer stall old, so a window of s seconds can
  // be off by at most 50 W x 2 stalls / s, plus the 2% the meter itself is allowed.
  const double stall = fake.max_stall_seconds();
  const auto bound = [stall](double seconds) { return 1.0 + 50.0 * 2 * stall / seconds; };
  for (const auto& run : result.runs) {
    ASSERT_TRUE(run.energy && run.per_joule)
        << run.variant << ": " << run.energy_unavailable_reason;
    EXPECT_EQ(run.energy->method, "rapl");
    EXPECT_NEAR(run.energy->avg_watts, 50.0, bound(run.seconds)) << run.variant << " " << stall;
    EXPECT_NEAR(run.energy->idle_watts.value_or(0), 50.0, bound(1.0)) << stall;
    EXPECT_NEAR(*run.per_joule, run.rate / run.energy->avg_watts, 1e-9 * *run.per_joule);
    for (const auto& s : run.samples)
      EXPECT_NEAR(*s.avg_watts, 50.0, 1.5 + bound(s.seconds)) << run.variant << " " << stall;
  }
  const auto j = hashflop::results::to_json(result);
  EXPECT_EQ(j["headline"]["basis"], "energy");
  fs::remove(out);
}

TEST(RunCli, AssumedWattsAreMarkedAssumed) {
  const fs::path out = fs::temp_directory_path() / "hashflop-run-cli-assumed.json";
  const auto r = run("HASHFLOP_POWERCAP_ROOT=/nonexistent HASHFLOP_HWMON_ROOT=/nonexistent",
                     "run --device cpu --quick --duration 0.2 --repetitions 1 --workloads sha256d "
                     "--assume-watts 100 --out " +
                         out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("assumed"), std::string::npos) << r.out;
  const auto result = hashflop::results::load_result(out);
  ASSERT_EQ(result.runs.size(), 1u);
  ASSERT_TRUE(result.runs[0].energy);
  EXPECT_TRUE(result.runs[0].energy->assumed);
  EXPECT_EQ(result.runs[0].energy->method, "assumed");
  EXPECT_TRUE(hashflop::results::to_json(result)["headline"].is_null());  // no GEMM run
  fs::remove(out);
}

TEST(RunCli, BadOptionsAreUsageErrors) {
  EXPECT_EQ(run("", "run --device cpu --workloads sha256d,bogus").exit_code, 2);
  EXPECT_EQ(run("", "run --device cpu --duration -1").exit_code, 2);
  EXPECT_EQ(run("", "run --device cpu --assume-watts 0").exit_code, 2);
}

// Everything that can be checked is checked before measuring: an unwritable --out used to be
// found after every window, a GEMM too large for memory after the sha256d run.
TEST(RunCli, ProblemsFoundBeforeMeasuringExit2AtOnce) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto out = run("", "run --device cpu --quick --out /proc/hashflop-nowhere/r.json");
  EXPECT_EQ(out.exit_code, 2) << out.err;
  EXPECT_NE(out.err.find("cannot write /proc/hashflop-nowhere/r.json"), std::string::npos)
      << out.err;
  const auto gemm = run("HASHFLOP_POWERCAP_ROOT=/nonexistent",
                        "run --device cpu --quick --workloads sha256d,gemm --gemm-size 65536");
  EXPECT_EQ(gemm.exit_code, 2) << gemm.err;
  EXPECT_NE(gemm.err.find("too large for memory"), std::string::npos) << gemm.err;
  EXPECT_EQ(gemm.err.find("window"), std::string::npos) << "measured before refusing:\n"
                                                        << gemm.err;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 20);
}

// A write that fails after the measuring used to lose everything: exit 1, nothing on stdout.
TEST(RunCli, ALateWriteFailureKeepsTheMeasurementInAFallbackFile) {
  const fs::path dir = fs::temp_directory_path() / "hashflop-run-cli-late";
  fs::remove_all(dir);
  fs::create_directories(dir / "tmp");
  fs::create_directories(dir / "sub");  // --out makes no folder
  const fs::path out = dir / "sub" / "r.json";
  // The output folder passes the check, then turns into a file while the run measures (root
  // ignores a read-only mode, so the test takes the directory away instead).
  const std::string cmd =
      "(TMPDIR=" + (dir / "tmp").string() + " HASHFLOP_POWERCAP_ROOT=/nonexistent " +
      HASHFLOP_BINARY + " run --device cpu --quick --workloads sha256d --cooldown 0 --out " +
      out.string() + " 2>" + (dir / "err.txt").string() + " & sleep 0.6; rm -rf " +
      (dir / "sub").string() + "; touch " + (dir / "sub").string() + "; wait $!)";
  const auto r = hashflop::test::run_shell(cmd);
  std::ifstream in(dir / "err.txt");
  const std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(r.exit_code, 1) << err;
  EXPECT_NE(r.out.find("sha256d"), std::string::npos) << "the table is printed:\n" << r.out;
  EXPECT_NE(err.find("instead"), std::string::npos) << err;
  size_t fallbacks = 0;
  for (const auto& e : fs::directory_iterator(dir / "tmp")) {
    if (e.path().extension() == ".json") {
      ++fallbacks;
      EXPECT_FALSE(hashflop::results::load_result(e.path()).runs.empty());
    }
  }
  EXPECT_EQ(fallbacks, 1u) << err;
  fs::remove_all(dir);
}

}  // namespace
