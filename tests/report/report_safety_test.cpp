// `hashflop report` runs a script and writes files: it must run its own script (found beside
// the binary, never in the current directory), never write through a planted symlink, and
// draw names with "$" in them as text.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/shell.hpp"

namespace {

namespace fs = std::filesystem;
const fs::path source = HASHFLOP_TEST_SOURCE_DIR;

class ReportSafety : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           (std::string("hashflop-report-safety-") +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  hashflop::test::ShellResult report_in(const fs::path& cwd, const std::string& args) const {
    return hashflop::test::run_shell("cd " + cwd.string() + " && " + HASHFLOP_BINARY + " report " +
                                     args + " 2>&1");
  }
  static bool matplotlib() {
    return hashflop::test::run_shell("/usr/bin/python3 -c 'import matplotlib' 2>/dev/null")
               .exit_code == 0;
  }

  fs::path dir_;
};

TEST_F(ReportSafety, AScriptOrMarketPlantedInTheCurrentDirectoryIsNeverUsed) {
  fs::create_directories(dir_ / "scripts");
  const fs::path marker = dir_ / "planted-script-ran";
  std::ofstream(dir_ / "scripts/plot.py") << "open('" << marker.string() << "', 'w').write('x')\n";
  fs::create_directories(dir_ / "results/market");
  std::ofstream(dir_ / "results/market/2025-11.json") << "{\"planted\": true}";
  const auto r = report_in(dir_, (source / "tests/report/fixtures/cpu_only.json").string() +
                                     " --format md --out " + (dir_ / "out").string());
  EXPECT_EQ(r.exit_code, 0) << r.out;  // the planted market would not even parse as one
  EXPECT_FALSE(fs::exists(marker)) << r.out;
}

TEST_F(ReportSafety, APlantedSymlinkAtThePlotLogIsNotFollowed) {
  const fs::path out = dir_ / "out";
  fs::create_directories(out);
  const fs::path victim = dir_ / "victim.txt";
  std::ofstream(victim) << "keep me";
  fs::create_symlink(victim, out / ".plot.log");
  const auto r =
      report_in(dir_, (source / "tests/report/fixtures/cpu_only.json").string() + " --market " +
                          (source / "results/market/2025-11.json").string() +
                          " --format md --out " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(victim);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "keep me");
}

TEST_F(ReportSafety, ADollarInADeviceNameIsDrawnAsText) {
  if (!matplotlib()) GTEST_SKIP() << "no python3-matplotlib for /usr/bin/python3";
  std::ifstream in(source / "tests/report/fixtures/cpu_only.json");
  auto j = nlohmann::json::parse(in);
  j["devices"][0]["name"] = "Odd $CPU^ $x_1";
  j["host"]["cpu_model"] = "Odd $CPU^ $x_1";
  const fs::path file = dir_ / "dollar.json";
  std::ofstream(file) << j.dump();
  const auto r = report_in(dir_, file.string() + " --market " +
                                     (source / "results/market/2025-11.json").string() +
                                     " --format md --out " + (dir_ / "out").string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("No pictures"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir_ / "out/efficiency.png")) << r.out;
}

}  // namespace
