// `hashflop report` through the real binary: exit codes and messages for bad input, and a
// report that still works without python or matplotlib.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "support/shell.hpp"

namespace {

namespace fs = std::filesystem;
const fs::path source = HASHFLOP_TEST_SOURCE_DIR;
const std::string fixtures = (source / "tests/report/fixtures").string();

struct Run {
  int exit_code;
  std::string out;  // stdout and stderr together
};

Run run(const std::string& args, const std::string& env = "") {
  const std::string cmd = env + " " + HASHFLOP_BINARY + " report " + args + " 2>&1";
  const auto shell_result = hashflop::test::run_shell(cmd);
  const std::string& out = shell_result.out;
  return {shell_result.exit_code, out};
}

// One directory per test: ctest runs the tests of this file in parallel processes.
std::string test_dir() {
  return (fs::temp_directory_path() /
          (std::string("hashflop-report-cli-") +
           ::testing::UnitTest::GetInstance()->current_test_info()->name()))
      .string();
}
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::string market = " --market " + (source / "results/market/2025-11.json").string();

TEST(ReportCli, FixturesGiveAReportAndTheHashprice) {
  const std::string out_dir = test_dir();
  fs::remove_all(out_dir);
  const auto r = run(fixtures + "/gpu_like.json " + fixtures + "/cpu_only.json" + market +
                     " --no-plots --out " + out_dir);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("$40.96 per PH/s per day"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[energy ASSUMED]"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out_dir + "/report.md"));
  EXPECT_TRUE(fs::exists(out_dir + "/report.html"));
  fs::remove_all(out_dir);
}

// Issue 33's "done when": without --market (the 2026-03 file), the committed CPU results and a
// synthetic H100 file at a measured 700 W each give the site lens, its sentence and the deals.
TEST(ReportCli, TheDefaultMarketGivesTheSiteLensForTheCpuFileAndASyntheticGpu) {
  const std::string out_dir = test_dir();
  for (const std::string& file : {(source / "results/epyc-2core-cpu-20261126.json").string(),
                                  fixtures + "/gpu_h100_700w.json"}) {
    fs::remove_all(out_dir);
    const auto r = run(file + " --no-plots --out " + out_dir);
    ASSERT_EQ(r.exit_code, 0) << r.out;
    for (const char* needle :
         {"market/2026-03.json (2026-03, dated 2026-03-17)", "$39.53 per PH/s per day",
          "site lens, 1 MW of IT power for a year", "mining with Antminer S23 Hyd",
          "leasing as colocation", "$9.7 billion / 5 years / 200 MW = $9.7 million per MW-year",
          "A megawatt of these", "× what the megawatt earns mining with Antminer S23 Hyd ASICs",
          "months before the newest run valued"}) {
      EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
    }
    const std::string md = slurp(out_dir + "/report.md");
    for (const char* needle : {"## Site lens: what 1 MW of IT power earns in a year",
                               "| use | energy | units | revenue / year |", "Sensitivity: renting",
                               "Core Scientific and CoreWeave", "payback months"}) {
      EXPECT_NE(md.find(needle), std::string::npos) << needle;
    }
  }
  fs::remove_all(out_dir);
}

TEST(ReportCli, SiteMegawattsScaleTheLensAndABadValueIsAUsageError) {
  const std::string out_dir = test_dir();
  fs::remove_all(out_dir);
  const auto r = run(fixtures + "/gpu_h100_700w.json --site-mw 20 --no-plots --out " + out_dir);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("20 megawatts of these GPUs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("$353 million"), std::string::npos) << r.out;  // 20 x $17.65 million
  for (const char* bad : {"0", "-1", "1e9", "x"}) {
    const auto b =
        run(fixtures + "/gpu_h100_700w.json --no-plots --out " + out_dir + " --site-mw " + bad);
    EXPECT_EQ(b.exit_code, 2) << bad << ": " << b.out;
  }
  const auto chain = run(fixtures + "/gpu_h100_700w.json --no-plots --out " + out_dir +
                         " --set btc_price_usd=100000");
  EXPECT_EQ(chain.exit_code, 2) << chain.out;
  EXPECT_NE(chain.out.find("set hashprice_usd_per_ph_day instead"), std::string::npos);
  fs::remove_all(out_dir);
}

TEST(ReportCli, WithoutPythonTheReportSaysWhyAndStillWorks) {
  const std::string out_dir = test_dir();
  fs::remove_all(out_dir);
  const auto r = run(fixtures + "/gpu_like.json" + market + " --format md --out " + out_dir,
                     "HASHFLOP_PYTHON=/nonexistent/python3");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("No pictures: /nonexistent/python3: not found"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out_dir + "/report.md"));
  EXPECT_FALSE(fs::exists(out_dir + "/report.html"));  // --format md
  std::ifstream in(out_dir + "/report.md");
  const std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(md.find("No pictures"), std::string::npos);
  fs::remove_all(out_dir);
}

// A plot script that fails for another reason (here a full disk) says that reason, and is not
// blamed on a missing matplotlib.
TEST(ReportCli, APlotFailureSaysItsOwnCauseNotMatplotlib) {
  const std::string out_dir = test_dir();
  fs::remove_all(out_dir);
  fs::create_directories(out_dir);
  const std::string fake = out_dir + "/python-on-a-full-disk";
  std::ofstream(fake)
      << "#!/bin/sh\necho 'OSError: [Errno 28] No space left on device' >&2\nexit 1\n";
  fs::permissions(fake, fs::perms::owner_all);
  const auto r = run(fixtures + "/gpu_like.json" + market + " --format md --out " + out_dir,
                     "HASHFLOP_PYTHON=" + fake);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("No space left on device"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("install python3-matplotlib"), std::string::npos) << r.out;
  fs::remove_all(out_dir);
}

TEST(ReportCli, SetChangesTheFiguresAndUnknownKeysExit2) {
  const std::string out_dir = test_dir();
  const auto ok = run(fixtures + "/gpu_like.json" + market +
                      " --set btc_price_usd=193000 --no-plots --out " + out_dir);
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find("$81.91 per PH/s per day"), std::string::npos) << ok.out;  // 2 x 40.957
  const auto bad =
      run(fixtures + "/gpu_like.json" + market + " --set btc_prise=1 --out " + out_dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("unknown market key 'btc_prise'"), std::string::npos) << bad.out;
  fs::remove_all(out_dir);
}

TEST(ReportCli, BadInputsAreClearErrorsNotCrashes) {
  const std::string out_dir = test_dir();
  const fs::path junk = fs::temp_directory_path() / "hashflop-report-junk.json";
  std::ofstream(junk) << "{\"schema\": \"something/else\"}";
  const auto not_result = run(junk.string() + market + " --out " + out_dir);
  EXPECT_EQ(not_result.exit_code, 2);
  EXPECT_NE(not_result.out.find("unsupported schema"), std::string::npos) << not_result.out;
  const auto bad_market = run(fixtures + "/gpu_like.json --market " + junk.string());
  EXPECT_EQ(bad_market.exit_code, 2);
  EXPECT_NE(bad_market.out.find("hashflop/market/v1"), std::string::npos) << bad_market.out;
  const auto missing = run("/nonexistent/r.json" + market + " --out " + out_dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("cannot read"), std::string::npos) << missing.out;
  const auto format = run(fixtures + "/gpu_like.json" + market + " --format pdf");
  EXPECT_EQ(format.exit_code, 2);
  const auto none = run("");
  EXPECT_EQ(none.exit_code, 2);
  const auto no_energy =
      run(fixtures + "/energy_unavailable.json" + market + " --no-plots --out " + out_dir);
  EXPECT_EQ(no_energy.exit_code, 0) << no_energy.out;
  EXPECT_NE(no_energy.out.find("no mining money figure is computed"), std::string::npos);
  fs::remove(junk);
  fs::remove_all(out_dir);
}

}  // namespace
