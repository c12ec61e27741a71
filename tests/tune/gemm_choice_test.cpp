// Choosing a tiled CPU GEMM variant's block sizes: every candidate computes correctly on shapes
// that cut through every block and tile edge, a fake clock makes a non-default candidate win and
// the choice is kept in and reused from the wisdom file, and a forced blocking is taken as given.
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "gemm/cpu_gemm.hpp"
#include "gemm/gemm_reference.hpp"
#include "gemm/gemm_variants.hpp"
#include "tune/cpu_gemm_choice.hpp"
#include "tune/fake_probe.hpp"
#include "tune/machine_key.hpp"
#include "tune/wisdom.hpp"

namespace {

namespace fs = std::filesystem;
namespace gk = hashflop::gemm_kernels;
using hashflop::gemm::GemmShape;
using hashflop::results::ChosenBy;

std::vector<const hashflop::gemm::GemmVariant*> tiled_variants() {
  std::vector<const hashflop::gemm::GemmVariant*> out;
  for (const auto& v : hashflop::gemm::gemm_variants()) {
    if (v.tiled != nullptr && v.unavailable(hashflop::gemm::Dtype::fp32).empty()) out.push_back(&v);
  }
  return out;
}

// One product with `blk` on `threads` threads against fp64, C poisoned with NaN.
hashflop::gemm::VerifyResult product(const hashflop::gemm::GemmVariant& v, const GemmShape& s,
                                     const gk::GemmBlocking& blk, unsigned threads, float beta) {
  std::vector<float> a(static_cast<size_t>(s.m * s.k)), b(static_cast<size_t>(s.k * s.n));
  std::vector<float> c(static_cast<size_t>(s.m * s.n), std::numeric_limits<float>::quiet_NaN());
  std::vector<float> before;
  hashflop::gemm::fill_random(a, static_cast<uint64_t>(s.m * 7 + s.n));
  hashflop::gemm::fill_random(b, static_cast<uint64_t>(s.k * 5 + 1));
  if (beta != 0.0f) {
    hashflop::gemm::fill_random(c, 11);
    before = c;
  }
  hashflop::gemm::sgemm_tiled(
      {s.m, s.n, s.k, 0.75f, beta, a.data(), s.k, b.data(), s.n, c.data(), s.n}, v.tiled->range,
      v.tiled->tile, threads, blk);
  return hashflop::gemm::verify_gemm(s, hashflop::gemm::Dtype::fp32, 0.75f, beta, a, b, before, c,
                                     3);
}

TEST(GemmBlockingCandidates, EveryCandidateIsCorrectOnOddShapes) {
  const auto variants = tiled_variants();
  if (variants.empty()) GTEST_SKIP() << "no tiled CPU GEMM variant runs here";
  // Shapes no tile or block divides, m != n != k; the candidates are those of a 1999^3 run, so
  // their mc, kc and nc are the real ones, and each shape crosses kc at least once.
  const GemmShape shapes[] = {
      {1, 1, 1}, {7, 17, 33}, {33, 7, 17}, {130, 75, 1001}, {1999, 45, 523}};
  for (const auto* v : variants) {
    const auto candidates = hashflop::tune::gemm_blocking_candidates(
        v->tiled->tile, 2, hashflop::cpu::cpu_info().caches, {1999, 1999, 1999});
    ASSERT_GE(candidates.size(), 3u) << v->name;
    for (const auto& blk : candidates) {
      for (const auto& s : shapes) {
        for (const unsigned threads : {1u, 2u}) {
          const auto r = product(*v, s, blk, threads, s.m % 2 == 0 ? 0.0f : -0.5f);
          EXPECT_EQ(r.verdict, hashflop::Verdict::passed)
              << v->name << " " << hashflop::gemm::blocking_text(blk) << " " << s.str() << " on "
              << threads << " threads: rel_error " << r.rel_error << " non-finite " << r.non_finite;
        }
      }
    }
  }
}

TEST(GemmBlockingCandidates, TinyBlocksCrossEveryEdgeAndStayCorrect) {
  // Blocks smaller than a tile and not multiples of it: every block boundary lands mid-tile.
  for (const auto* v : tiled_variants()) {
    for (const gk::GemmBlocking blk : {gk::GemmBlocking{13, 7, 33}, gk::GemmBlocking{5, 64, 17}}) {
      const auto r = product(*v, {61, 71, 47}, blk, 2, -0.5f);
      EXPECT_EQ(r.verdict, hashflop::Verdict::passed)
          << v->name << " " << hashflop::gemm::blocking_text(blk) << ": " << r.rel_error;
    }
  }
}

TEST(GemmBlockingText, RoundTripsAndRejectsNonsense) {
  const gk::GemmBlocking b{672, 192, 2048};
  const auto back = hashflop::gemm::parse_blocking(hashflop::gemm::blocking_text(b));
  EXPECT_EQ(back.mc, 672);
  EXPECT_EQ(back.kc, 192);
  EXPECT_EQ(back.nc, 2048);
  const auto list = hashflop::gemm::parse_blocking("96,384,512");
  EXPECT_EQ(list.mc, 96);
  EXPECT_EQ(list.kc, 384);
  EXPECT_EQ(list.nc, 512);
  const auto named = hashflop::gemm::parse_blocking("kc=100 nc=64 mc=24");
  EXPECT_EQ(named.mc, 24);
  EXPECT_EQ(named.kc, 100);
  for (const char* bad :
       {"", "1,2", "mc=0 kc=1 nc=1", "mc=1 kc=x nc=1", "mr=1 kc=1 nc=1", "1,2,3,4", "-5,2,3"}) {
    EXPECT_THROW(hashflop::gemm::parse_blocking(bad), hashflop::UsageError) << bad;
  }
}

struct GemmChoiceTest : ::testing::Test {
  fs::path dir;
  std::vector<std::string> lines;
  hashflop::tune::TuneSettings settings;
  // Large enough that the candidates stay distinct once clamped to it; the fake probe never
  // runs a product of it.
  const GemmShape shape{1000, 900, 800};

  void SetUp() override {
    if (tiled_variants().empty()) GTEST_SKIP() << "no tiled CPU GEMM variant runs here";
    dir = fs::temp_directory_path() /
          (std::string("hashflop-gemm-tune-") +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    settings.wisdom_path = dir / "wisdom.json";
    settings.log = [this](const std::string& line) { lines.push_back(line); };
  }
  void TearDown() override { fs::remove_all(dir); }
  const hashflop::gemm::GemmVariant& variant() const { return *tiled_variants().front(); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& b : hashflop::tune::gemm_blocking_candidates(
             variant().tiled->tile, 1, hashflop::cpu::cpu_info().caches, shape))
      out.push_back(hashflop::gemm::blocking_text(b));
    return out;
  }
};

TEST_F(GemmChoiceTest, AMeasuredWinnerIsPickedKeptAsWisdomAndReused) {
  const auto all = names();
  ASSERT_GE(all.size(), 2u);
  hashflop::test::FakeProbe probe;
  probe.rates = {{all.back(), 1e12}};
  probe.wrong = all[1] == all.back() ? "" : all[1];
  const auto c = hashflop::tune::choose_cpu_gemm_blocking(
      variant(), shape, hashflop::gemm::Dtype::fp32, 1, std::nullopt, settings, &probe);
  EXPECT_EQ(c.selection.chosen_by, ChosenBy::measured);
  EXPECT_EQ(c.selection.choice, all.back());
  EXPECT_EQ(hashflop::gemm::blocking_text(c.blocking), all.back());
  EXPECT_EQ(c.selection.candidates.size(), all.size());
  ASSERT_TRUE(c.selection.calibration_seconds.has_value());

  const auto w = hashflop::tune::Wisdom::load(settings.wisdom_path);
  ASSERT_EQ(w.entries().size(), 1u);
  EXPECT_EQ(w.entries()[0].workload, "gemm");
  EXPECT_EQ(w.entries()[0].problem,
            hashflop::tune::gemm_problem(variant().name, hashflop::gemm::Dtype::fp32, shape, 1));

  hashflop::test::FakeProbe untouched;
  const auto again = hashflop::tune::choose_cpu_gemm_blocking(
      variant(), shape, hashflop::gemm::Dtype::fp32, 1, std::nullopt, settings, &untouched);
  EXPECT_EQ(again.selection.chosen_by, ChosenBy::wisdom);
  EXPECT_EQ(again.selection.choice, all.back());
  EXPECT_TRUE(untouched.trials.empty());

  // Another shape or thread count is another slot: it calibrates again.
  hashflop::test::FakeProbe other;
  const auto wider = hashflop::tune::choose_cpu_gemm_blocking(
      variant(), {1000, 901, 800}, hashflop::gemm::Dtype::fp32, 1, std::nullopt, settings, &other);
  EXPECT_EQ(wider.selection.chosen_by, ChosenBy::measured);
  EXPECT_FALSE(other.trials.empty());
}

TEST_F(GemmChoiceTest, ACandidateThatFailsItsCheckIsNeverPicked) {
  const auto all = names();
  ASSERT_GE(all.size(), 2u);
  hashflop::test::FakeProbe probe;
  probe.rates = {{all.back(), 1e12}};
  probe.wrong = all.back();  // the fastest, were it timed
  const auto c = hashflop::tune::choose_cpu_gemm_blocking(
      variant(), shape, hashflop::gemm::Dtype::fp32, 1, std::nullopt, settings, &probe);
  EXPECT_NE(c.selection.choice, all.back());
  EXPECT_EQ(c.selection.candidates.back().verification, hashflop::Verdict::incorrect);
  EXPECT_FALSE(c.selection.candidates.back().rate.has_value());
}

TEST_F(GemmChoiceTest, ForcedBlockingIsTakenAndWithoutCalibrationTheDefaultIsUsed) {
  hashflop::test::FakeProbe probe;
  const auto forced =
      hashflop::tune::choose_cpu_gemm_blocking(variant(), shape, hashflop::gemm::Dtype::fp32, 1,
                                               gk::GemmBlocking{24, 32, 64}, settings, &probe);
  EXPECT_EQ(forced.selection.chosen_by, ChosenBy::forced);
  EXPECT_EQ(forced.blocking.kc, 32);
  EXPECT_TRUE(probe.trials.empty());

  settings.calibrate = false;
  const auto plain = hashflop::tune::choose_cpu_gemm_blocking(
      variant(), shape, hashflop::gemm::Dtype::fp32, 1, std::nullopt, settings, &probe);
  EXPECT_EQ(plain.selection.chosen_by, ChosenBy::cpuid);
  EXPECT_EQ(plain.selection.choice, names().front());
  EXPECT_TRUE(probe.trials.empty());
  EXPECT_FALSE(fs::exists(settings.wisdom_path));
}

TEST_F(GemmChoiceTest, TheRealProbeVerifiesAndTimesEveryCandidate) {
  settings.use_wisdom = false;
  for (const auto* v : tiled_variants()) {
    const auto c = hashflop::tune::choose_cpu_gemm_blocking(
        *v, {200, 150, 300}, hashflop::gemm::Dtype::fp32, 2, std::nullopt, settings);
    EXPECT_EQ(c.selection.chosen_by, ChosenBy::measured) << v->name;
    for (const auto& cand : c.selection.candidates) {
      EXPECT_EQ(cand.verification, hashflop::Verdict::passed) << cand.name << ": " << cand.detail;
      EXPECT_TRUE(cand.rate.has_value()) << cand.name;
    }
  }
}

}  // namespace

// A stored blocking the chooser would never try (mc=1 kc=1 nc=1 ran at a thousandth of the
// speed, "from wisdom") and a stored rate no device reaches are not trusted: the slot is
// measured again, and the other slots keep their answers.
TEST_F(GemmChoiceTest, AStoredChoiceOutsideTheChoosersOwnRangeIsMeasuredAgain) {
  const auto problem =
      hashflop::tune::gemm_problem(variant().name, hashflop::gemm::Dtype::fp32, shape, 1);
  hashflop::results::Selection tiny;
  tiny.chosen_by = ChosenBy::measured;
  tiny.choice = "mc=1 kc=1 nc=1";
  auto wisdom = hashflop::tune::Wisdom::load(settings.wisdom_path);
  ASSERT_EQ(wisdom.store({"gemm", problem, hashflop::tune::cpu_key(1), tiny}), "");

  hashflop::test::FakeProbe probe;
  const auto c = hashflop::tune::choose_cpu_gemm_blocking(
      variant(), shape, hashflop::gemm::Dtype::fp32, 1, std::nullopt, settings, &probe);
  EXPECT_EQ(c.selection.chosen_by, ChosenBy::measured);
  EXPECT_NE(c.selection.choice, "mc=1 kc=1 nc=1");
  EXPECT_FALSE(probe.trials.empty());
  bool said = false;
  for (const auto& l : lines) said = said || l.find("none of the") != std::string::npos;
  EXPECT_TRUE(said) << "the log says why the stored blocking was not used";
}

TEST_F(GemmChoiceTest, AnImplausibleStoredRateCostsOnlyItsOwnSlot) {
  const auto all = names();
  hashflop::test::FakeProbe probe;
  probe.rates = {{all.back(), 1e12}};
  (void)hashflop::tune::choose_cpu_gemm_blocking(variant(), shape, hashflop::gemm::Dtype::fp32, 1,
                                                 std::nullopt, settings, &probe);
  // A second slot, then its stored rate edited to -1 in the file.
  hashflop::test::FakeProbe second;
  const GemmShape other{1000, 901, 800};
  (void)hashflop::tune::choose_cpu_gemm_blocking(variant(), other, hashflop::gemm::Dtype::fp32, 1,
                                                 std::nullopt, settings, &second);
  auto doc = nlohmann::json::parse(
      hashflop::results::wisdom_text(hashflop::tune::Wisdom::load(settings.wisdom_path).entries()));
  ASSERT_EQ(doc.at("entries").size(), 2u);
  doc["entries"][1]["selection"]["candidates"][0]["rate"] = -1.0;
  std::ofstream(settings.wisdom_path) << doc.dump();

  const auto w = hashflop::tune::Wisdom::load(settings.wisdom_path);
  EXPECT_EQ(w.entries().size(), 1u);
  EXPECT_NE(w.warning().find("entries[1]"), std::string::npos) << w.warning();
  hashflop::test::FakeProbe untouched;
  const auto kept = hashflop::tune::choose_cpu_gemm_blocking(
      variant(), shape, hashflop::gemm::Dtype::fp32, 1, std::nullopt, settings, &untouched);
  EXPECT_EQ(kept.selection.chosen_by, ChosenBy::wisdom);
  EXPECT_TRUE(untouched.trials.empty());
}
