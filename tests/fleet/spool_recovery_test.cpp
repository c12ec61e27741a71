// `hashflop recover` against spools that a real job would not leave: torn or empty windows,
// ranks outside the job or claimed twice, an absurd job size, a rank still running, junk beside
// good jobs, a FIFO. Whatever it refuses, it refuses in one line with exit 2 and keeps every
// spool; a spool is deleted only once its windows are in a written file.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fleet/spool.hpp"
#include "results/json_parts.hpp"
#include "results/result.hpp"
#include "support/shell.hpp"
#include "support/test_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A real results file (a CPU run) gives the header and the windows.
json fixture() {
  std::ifstream in(fs::path(HASHFLOP_TEST_SOURCE_DIR) /
                   "tests/fuzz/corpus/results_file/epyc-2core-cpu.json");
  return json::parse(in);
}

std::string hostname() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

struct SpoolLines {
  int rank = 0, ranks = 1;
  long pid = 999999999;  // no such process
  std::string host = "elsewhere";
  int windows = 2;
  bool empty_first_window = false;
  bool ended = false;
};

std::string spool_text(const SpoolLines& s) {
  const json doc = fixture();
  json header = doc;
  header.erase("runs");
  header.erase("headline");
  hashflop::results::RankRecord rank;
  rank.rank = s.rank;
  rank.host = s.host;
  std::string text = json{{"type", "header"},
                          {"result", header},
                          {"rank", hashflop::results::to_json(rank)},
                          {"ranks", s.ranks},
                          {"pid", s.pid}}
                         .dump() +
                     "\n";
  json run = doc.at("runs").at(0);
  run.erase("telemetry");
  const json samples = run.at("samples");
  for (int i = 0; i < s.windows; ++i) {
    json one = run;
    one["samples"] = (i == 0 && s.empty_first_window)
                         ? json::array()
                         : json::array({samples.at(static_cast<size_t>(i) % samples.size())});
    text += json{{"type", "window"}, {"run", one}}.dump() + "\n";
  }
  if (s.ended)
    text += json{{"type", "end"}, {"rank", hashflop::results::to_json(rank)}}.dump() + "\n";
  return text;
}

class SpoolRecovery : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = hashflop::test::fresh_test_dir("spool-recovery");
    fs::create_directories(results_dir());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // recover without FILE looks in the default results folder, under XDG_DATA_HOME.
  fs::path results_dir() const { return dir_ / "data" / "hashflop" / "results"; }
  fs::path job(const std::string& name = "fleet.json") const { return results_dir() / name; }
  fs::path write_spool(const fs::path& job_file, const SpoolLines& s) const {
    const fs::path p = hashflop::fleet::spool_path(job_file, s.rank);
    std::ofstream(p) << spool_text(s);
    return p;
  }
  hashflop::test::ShellResult recover(const std::string& args) const {
    return hashflop::test::run_shell(
        "cd " + dir_.string() + " && XDG_DATA_HOME=" + (dir_ / "data").string() + " timeout 60 " +
        hashflop::test::hashflop_binary() + " recover " + args + " 2>&1");
  }
  fs::path dir_;
};

size_t lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST_F(SpoolRecovery, AWindowWithNoSampleIsSkippedNotACrash) {
  SpoolLines s;
  s.empty_first_window = true;
  s.windows = 3;
  write_spool(job(), s);
  const auto r = recover(job().string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto result = hashflop::results::load_result(job());
  ASSERT_EQ(result.runs.size(), 1u);
  EXPECT_EQ(result.runs.at(0).samples.size(), 2u) << "the two windows that carry a sample";
  EXPECT_TRUE(hashflop::fleet::spools_of(job()).empty());
}

TEST_F(SpoolRecovery, ARankOutsideTheJobIsRefusedAndEverySpoolKept) {
  write_spool(job(), {.rank = 0, .ranks = 2});
  write_spool(job(), {.rank = 5, .ranks = 2});
  const auto r = recover(job().string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1u) << r.out;
  EXPECT_NE(r.out.find("rank 5 of a 2-rank job"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(job()));
  EXPECT_EQ(hashflop::fleet::spools_of(job()).size(), 2u);
}

TEST_F(SpoolRecovery, TwoSpoolsClaimingOneRankAreRefusedAndKept) {
  write_spool(job(), {.rank = 0, .ranks = 2});
  // A second file that says rank 0 (its name says 1).
  std::ofstream(hashflop::fleet::spool_path(job(), 1)) << spool_text({.rank = 0, .ranks = 2});
  const auto r = recover(job().string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("both claim rank 0"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(job()));
  EXPECT_EQ(hashflop::fleet::spools_of(job()).size(), 2u);
}

TEST_F(SpoolRecovery, AnAbsurdJobSizeIsRefusedBeforeAnythingIsWritten) {
  write_spool(job(), {.rank = 0, .ranks = 1048576});
  const auto r = recover(job().string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1u) << r.out;
  EXPECT_FALSE(fs::exists(job()));
  EXPECT_EQ(hashflop::fleet::spools_of(job()).size(), 1u);
}

TEST_F(SpoolRecovery, ARankStillRunningHereIsRefusedUnlessForced) {
  // This test process is a live hashflop process (hashflop_tests) on this host.
  write_spool(job(), {.rank = 0, .ranks = 1, .pid = ::getpid(), .host = hostname()});
  const auto r = recover(job().string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("still running"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--force"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(job()));
  EXPECT_EQ(hashflop::fleet::spools_of(job()).size(), 1u);

  const auto forced = recover("--force " + job().string());
  EXPECT_EQ(forced.exit_code, 0) << forced.out;
  EXPECT_TRUE(fs::exists(job()));
  EXPECT_TRUE(hashflop::fleet::spools_of(job()).empty());
}

TEST_F(SpoolRecovery, ARankThatEndedOrWhosePidIsGoneIsRecovered) {
  write_spool(job(), {.rank = 0, .ranks = 2, .pid = 999999999, .host = hostname()});
  write_spool(job(), {.rank = 1, .ranks = 2, .pid = ::getpid(), .host = hostname(), .ended = true});
  const auto r = recover(job().string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(hashflop::results::load_result(job()).fleet->ranks.size(), 2u);
}

TEST_F(SpoolRecovery, OneJunkJobDoesNotKeepTheOthersUnrecovered) {
  std::ofstream(hashflop::fleet::spool_path(job("junk.json"), 0)) << "not a spool\n";
  write_spool(job("good.json"), {});
  const auto r = recover("");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("junk.json"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(job("good.json"))) << r.out;
  EXPECT_FALSE(fs::exists(job("junk.json")));
  EXPECT_EQ(hashflop::fleet::spools_of(job("junk.json")).size(), 1u) << "junk is kept";
}

TEST_F(SpoolRecovery, AFifoSpoolIsRefusedNotWaitedOn) {
  ASSERT_EQ(::mkfifo(hashflop::fleet::spool_path(job(), 0).c_str(), 0644), 0);
  const auto r = recover(job().string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("is a FIFO"), std::string::npos) << r.out;
}

// Nothing to recover is a fine answer, not bad input: one line, exit 0. A FILE that names no
// job at all (no file, no spool) is still a usage error.
TEST_F(SpoolRecovery, NothingToRecoverSaysSoAndSucceeds) {
  auto r = recover("");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(lines(r.out), 1u) << r.out;
  EXPECT_NE(r.out.find("nothing to recover: no spools"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(results_dir().string()), std::string::npos) << r.out;
  std::ofstream(job()) << "{}\n";
  r = recover(job().string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("nothing to recover: " + job().string() + " exists"), std::string::npos)
      << r.out;
  r = recover(job("typo.json").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1u) << r.out;
}

}  // namespace
