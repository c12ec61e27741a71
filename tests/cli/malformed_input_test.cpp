// Files hashflop reads but did not just write, malformed the ways a fuzz campaign found: every
// one is a one-line error with exit 2 that names the file, never a crash, an abort or exit 1.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/shell.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path source = HASHFLOP_TEST_SOURCE_DIR;

using Outcome = hashflop::test::ShellResult;
Outcome hashflop(const std::string& args) {
  return hashflop::test::run_hashflop(args);
}

class MalformedInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           (std::string("hashflop-malformed-") +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static json fixture() {
    std::ifstream in(source / "tests/report/fixtures/cpu_only.json");
    return json::parse(in);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }
  fs::path write(const std::string& name, const json& j) const { return write(name, j.dump()); }

  // Both readers of results files refuse it the same way.
  void expect_refused(const fs::path& file, const std::string& fragment) const {
    const std::string market = " --market " + (source / "results/market/2025-11.json").string();
    for (const auto& args :
         {"report " + file.string() + market + " --no-plots --out " + (dir_ / "r").string(),
          "compare " + file.string() + " " + file.string()}) {
      const auto r = hashflop(args);
      EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
      EXPECT_NE(r.out.find(file.string()), std::string::npos) << args << "\n" << r.out;
      EXPECT_NE(r.out.find(fragment), std::string::npos) << args << "\n" << r.out;
      EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << args << "\n" << r.out;
    }
  }

  fs::path dir_;
};

TEST_F(MalformedInput, AnEmptyFleetEntryIsRefusedNotAnAbort) {
  auto j = fixture();
  j["fleet"] = json::array({json::object()});
  j["ranks"] = json::array();
  expect_refused(write("empty-fleet.json", j), "workload");
}

TEST_F(MalformedInput, ARankWithoutADeviceReadsAsNoDevice) {
  // What hashflop itself writes for a rank that timed out.
  auto j = fixture();
  j["fleet"] = json::array();
  j["ranks"] = json::array({{{"rank", 0}, {"status", "timeout"}, {"error", "x"}}});
  const auto file = write("timeout-rank.json", j);
  const std::string market = " --market " + (source / "results/market/2025-11.json").string();
  const auto r = hashflop("report " + file.string() + market + " --no-plots --format md --out " +
                          (dir_ / "r").string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(hashflop("compare " + file.string() + " " + file.string()).exit_code, 0);
}

TEST_F(MalformedInput, DeeplyNestedJsonIsRefusedBeforeItOverflowsTheStack) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  expect_refused(write("deep.json", deep), "nested more than 64 levels");
}

TEST_F(MalformedInput, IntegersOutOfRangeAreErrorsNotUndefinedConversions) {
  auto stats = fixture();
  stats["runs"][0]["stats"]["n"] = 1e300;
  expect_refused(write("stats-n.json", stats), "\"n\" is 1e+300");

  auto fleet = fixture();
  fleet["fleet"] = json::array({{{"workload", "sha256d"},
                                 {"variant", "x"},
                                 {"work_unit", "hash"},
                                 {"device_count", 1e300},
                                 {"total_rate", 1.0}}});
  fleet["ranks"] = json::array();
  expect_refused(write("device-count.json", fleet), "device_count");
}

TEST_F(MalformedInput, ReportRefusesAbsurdCoreCountsWithTheFileName) {
  const std::string market = " --market " + (source / "results/market/2025-11.json").string();
  auto threads = fixture();
  for (auto& run : threads["runs"]) run["params"]["threads"] = 1e300;
  auto cores = fixture();
  for (auto& run : cores["runs"]) run["params"].erase("threads");  // then the host's count
  cores["host"]["logical_cores"] = 1e300;
  for (const auto& [name, j] : {std::pair{"threads.json", threads}, {"cores.json", cores}}) {
    const auto file = write(name, j);
    const auto r =
        hashflop("report " + file.string() + market + " --no-plots --out " + (dir_ / "r").string());
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.out.find(file.string()), std::string::npos) << r.out;
  }
}

TEST_F(MalformedInput, ATracePointWithoutATimeIsLeftOutOfThePictures) {
  auto j = fixture();
  j["runs"][0]["telemetry"]["trace"] = json::array({{{"watts", 5.0}}, {{"t", "soon"}}});
  const auto file = write("trace.json", j);
  const std::string market = " --market " + (source / "results/market/2025-11.json").string();
  const auto r = hashflop("report " + file.string() + market + " --out " + (dir_ / "r").string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST_F(MalformedInput, AMarketValueOfTheWrongTypeIsAnInputError) {
  std::ifstream in(source / "results/market/2025-11.json");
  json market = json::parse(in);
  market["values"]["btc_price_usd"]["unit"] = 5;
  market["asics_file"] = (source / "results/market/asics.json").string();
  const auto file = write("market.json", market);
  const auto r =
      hashflop("report " + (source / "tests/report/fixtures/cpu_only.json").string() +
               " --market " + file.string() + " --no-plots --out " + (dir_ / "r").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find(file.string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unit"), std::string::npos) << r.out;
}

// Found by tests/fuzz/results_file_fuzz.cpp: fields load_result kept as JSON without checking
// their type were read later with value(), whose type_error escaped the report as exit 1.
TEST_F(MalformedInput, TelemetryThatIsNotAnObjectIsRefusedWhenRead) {
  auto j = fixture();
  j["runs"][0]["telemetry"] = 5;
  expect_refused(write("telemetry.json", j), "telemetry");
}

TEST_F(MalformedInput, AFleetHarnessOfTheWrongShapeIsRefusedWhenRead) {
  auto fleet = fixture();
  fleet["fleet"] = json::array();
  fleet["ranks"] = json::array({{{"rank", 0}, {"status", "timeout"}, {"error", "x"}}});
  auto harness = fleet;
  harness["harness"] = 5;
  expect_refused(write("harness.json", harness), "harness");
  auto launcher = fleet;
  launcher["harness"] = {{"launcher", 7}};
  expect_refused(write("launcher.json", launcher), "launcher");
}

TEST_F(MalformedInput, ADtypeThatIsNotTextIsRefusedWhenRead) {
  auto run = fixture();
  run["runs"][1]["params"]["dtype"] = 5;
  expect_refused(write("run-dtype.json", run), "dtype");
  auto fleet = fixture();
  fleet["fleet"] = json::array({{{"workload", "gemm"},
                                 {"variant", "x"},
                                 {"work_unit", "flop"},
                                 {"params", {{"dtype", 7}}},
                                 {"device_count", 1},
                                 {"total_rate", 1.0}}});
  fleet["ranks"] = json::array();
  expect_refused(write("fleet-dtype.json", fleet), "dtype");
}

}  // namespace
