// `hashflop compare --paired` on synthetic folders of interleaved runs, run as a subprocess: a
// drifting machine (every pair scaled alike) must not hide a 5% slowdown nor invent one.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "support/shell.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using Proc = hashflop::test::ShellResult;
Proc run(const std::string& args) {
  return hashflop::test::run_hashflop(args);
}

// Drift of the whole machine per pair (up to +-6%, as measured on a shared runner) and a small
// within-pair jitter: the pairs see the same drift, the jitter differs per side.
constexpr double drift[] = {0.0, 0.06, -0.05, 0.03, -0.06, 0.05, -0.02, 0.04, -0.03, 0.01};
constexpr double jitter[] = {0.002, -0.003, 0.001, -0.001, 0.004, -0.002, 0.003, 0.0, -0.004};

class PairedCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hashflop_paired_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // One side's folder: `pairs` run files, benchmark name -> scale of its nominal rate. With
  // `per_benchmark`, each benchmark of a pair is a file of its own, as paired-runs.sh writes.
  std::string side(const std::string& name, int pairs, const std::vector<std::string>& benches,
                   double scale, int side_offset, int first_pair = 0, bool per_benchmark = false) {
    const auto folder = dir_ / name;
    fs::create_directories(folder);
    for (int i = first_pair; i < first_pair + pairs; ++i) {
      json list = json::array();
      for (std::size_t b = 0; b < benches.size(); ++b) {
        const double rate = 1e7 * scale * (1 + drift[i % 10]) *
                            (1 + jitter[(static_cast<std::size_t>(i + side_offset) + b) % 9]);
        list.push_back({{"name", benches[b]},
                        {"run_name", benches[b]},
                        {"run_type", "iteration"},
                        {"iterations", 10},
                        {"real_time", 1e3 / rate},
                        {"time_unit", "ms"},
                        {"items_per_second", rate}});
      }
      const json context = {{"hashflop_pair", std::to_string(i)}};
      const auto stem = "pair-" + std::to_string(i);
      if (!per_benchmark) {
        std::ofstream(folder / (stem + ".json"))
            << json{{"context", context}, {"benchmarks", list}}.dump(1);
        continue;
      }
      for (const auto& b : list) {
        std::ofstream(folder / (stem + "-" + b.at("name").get<std::string>() + ".json"))
            << json{{"context", context}, {"benchmarks", json::array({b})}}.dump(1);
      }
    }
    return folder.string();
  }

  static json parse(const Proc& r) { return json::parse(r.out); }

  fs::path dir_;
};

const std::vector<std::string> kTwo = {"a", "b"};

TEST_F(PairedCli, SameBuildUnderDriftIsTheSame) {
  const auto base = side("base", 8, kTwo, 1.0, 0);
  const auto cand = side("cand", 8, kTwo, 1.0, 4);
  const auto r = run("compare --paired --threshold 2 --format json " + base + " " + cand);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto j = parse(r);
  EXPECT_TRUE(j.at("paired").get<bool>());
  ASSERT_EQ(j.at("pairs").size(), 2u) << r.out;
  for (const auto& p : j.at("pairs")) {
    EXPECT_EQ(p.at("verdict"), "same") << r.out;
    EXPECT_EQ(p.at("log_ratios").size(), 8u);
    EXPECT_LE(p.at("interval").at("low_pct").get<double>(), p.at("change_pct").get<double>());
    EXPECT_GE(p.at("interval").at("high_pct").get<double>(), p.at("change_pct").get<double>());
  }
}

TEST_F(PairedCli, FivePercentSlowerUnderSixPercentDriftIsARegression) {
  const auto base = side("base", 8, kTwo, 1.0, 0);
  const auto slow = side("slow", 8, {"a"}, 0.95, 4);
  side("slow", 8, {"b"}, 1.0, 5, 8);  // b only in pairs 8..15, which the base lacks
  const auto r = run("compare --paired --threshold 2 --format json " + base + " " + slow);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const auto j = parse(r);
  const auto& a = j.at("pairs").at(0);
  EXPECT_EQ(a.at("name"), "a");
  EXPECT_EQ(a.at("verdict"), "slower") << r.out;
  EXPECT_NEAR(a.at("change_pct").get<double>(), -5, 0.5);
  EXPECT_LT(a.at("interval").at("low_pct").get<double>(), -5);
  EXPECT_GT(a.at("interval").at("high_pct").get<double>(), -5);
  EXPECT_LT(a.at("p_value").get<double>(), 0.01);
  // b is on both sides but never in the same pair: missing; the unmatched indices are listed.
  EXPECT_EQ(j.at("pairs").at(1).at("verdict"), "missing") << r.out;
  const auto skipped = j.at("skipped").dump();
  EXPECT_NE(skipped.find("pair 15: only in the candidate"), std::string::npos) << skipped;
}

// paired-runs.sh runs each benchmark of a pair in its own process, so both builds run it within
// a second of each other: one file per benchmark must judge exactly as one file per pair.
TEST_F(PairedCli, OneFilePerBenchmarkJudgesLikeOneFilePerPair) {
  const auto whole_base = side("whole_base", 8, kTwo, 1.0, 0);
  const auto whole_slow = side("whole_slow", 8, kTwo, 0.95, 4);
  const auto split_base = side("split_base", 8, kTwo, 1.0, 0, 0, true);
  const auto split_slow = side("split_slow", 8, kTwo, 0.95, 4, 0, true);
  ASSERT_EQ(std::distance(fs::directory_iterator(split_base), fs::directory_iterator{}), 16);
  const auto whole =
      run("compare --paired --threshold 2 --format json " + whole_base + " " + whole_slow);
  const auto split =
      run("compare --paired --threshold 2 --format json " + split_base + " " + split_slow);
  EXPECT_EQ(split.exit_code, 1) << split.out;
  const auto w = parse(whole), s = parse(split);
  ASSERT_EQ(s.at("pairs").size(), 2u) << split.out;
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(s.at("pairs").at(i).at("verdict"), "slower") << split.out;
    EXPECT_EQ(s.at("pairs").at(i).at("log_ratios"), w.at("pairs").at(i).at("log_ratios"));
    EXPECT_EQ(s.at("pairs").at(i).at("p_value"), w.at("pairs").at(i).at("p_value"));
  }
  EXPECT_TRUE(s.at("skipped").empty()) << split.out;
}

TEST_F(PairedCli, TextOutputNamesTheTestAndMarksTheRegression) {
  const auto base = side("base", 8, {"a"}, 1.0, 0);
  const auto slow = side("slow", 8, {"a"}, 0.95, 4);
  const auto r = run("compare --paired --threshold 2 " + base + " " + slow);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("Wilcoxon signed-rank"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("slower !"), std::string::npos) << r.out;
}

TEST_F(PairedCli, FivePairsAreInconclusiveAndFailUnlessAllowed) {
  const auto base = side("base", 5, kTwo, 1.0, 0);
  const auto slow = side("slow", 5, kTwo, 0.8, 4);
  auto r = run("compare --paired --format md " + base + " " + slow);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("| `a` | **inconclusive** | -"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("% [-"), std::string::npos) << "the interval:\n" << r.out;
  EXPECT_NE(r.out.find("at least 6 are needed"), std::string::npos) << r.out;
  r = run("compare --paired --allow-inconclusive " + base + " " + slow);
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST_F(PairedCli, MissingBenchmarkAndMissingPairAreReported) {
  const auto base = side("base", 6, kTwo, 1.0, 0);
  const auto cand = side("cand", 7, {"a"}, 1.0, 4);
  auto r = run("compare --paired --format json " + base + " " + cand);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const auto j = parse(r);
  EXPECT_EQ(j.at("pairs").at(0).at("verdict"), "same");
  EXPECT_EQ(j.at("pairs").at(1).at("verdict"), "missing");
  EXPECT_EQ(j.at("pairs").at(1).at("note"), "only in the base");
  EXPECT_EQ(j.at("skipped").at(0), "pair 6: only in the candidate (" + cand + "/pair-6.json)");
  r = run("compare --paired --allow-missing " + base + " " + cand);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("skipped    pair 6: only in the candidate"), std::string::npos) << r.out;
}

void expect_bad_input(const std::string& args, const std::string& fragment) {
  const auto r = run(args);
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
  EXPECT_NE(r.out.find(fragment), std::string::npos) << args << "\n" << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one-line error:\n" << r.out;
}

TEST_F(PairedCli, BadInputExitsTwoWithOneLine) {
  const auto good = side("good", 6, kTwo, 1.0, 0);
  const auto file = good + "/pair-0.json";
  expect_bad_input("compare --paired " + file + " " + good, "not a folder");
  fs::create_directories(dir_ / "empty");
  expect_bad_input("compare --paired " + (dir_ / "empty").string() + " " + good, "no *.json");
  const auto late = side("late", 3, kTwo, 1.0, 0, 20);
  expect_bad_input("compare --paired " + good + " " + late, "no pair index is in both");
  const auto dup = side("dup", 2, kTwo, 1.0, 0);
  fs::copy_file(dup + "/pair-0.json", dup + "/again.json");
  expect_bad_input("compare --paired " + dup + " " + good, "both hold a of pair 0");
  fs::create_directories(dir_ / "plain");
  std::ofstream(dir_ / "plain" / "x.json")
      << R"({"benchmarks": [{"name": "a", "real_time": 1, "time_unit": "ms"}]})";
  expect_bad_input("compare --paired " + (dir_ / "plain").string() + " " + good,
                   "no hashflop_pair in the context");
  fs::create_directories(dir_ / "bad");
  std::ofstream(dir_ / "bad" / "x.json")
      << R"({"context": {"hashflop_pair": "two"}, "benchmarks": []})";
  expect_bad_input("compare --paired " + (dir_ / "bad").string() + " " + good,
                   "'two' is not a pair index");
  expect_bad_input("compare --paired --metric per_joule " + good + " " + good, "carry no energy");
}

}  // namespace
