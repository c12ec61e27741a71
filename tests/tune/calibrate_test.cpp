// The calibrator with a fake clock: whatever the fake says is fastest wins, unless it failed its
// check or its trials, or it beats the CPUID default by less than the margin.
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "tune/calibrate.hpp"
#include "tune/fake_probe.hpp"

namespace {

using hashflop::Check;
using hashflop::Verdict;
using hashflop::results::ChosenBy;
using hashflop::test::FakeProbe;

hashflop::tune::CalibrationPlan plan() {
  hashflop::tune::CalibrationPlan p;
  p.candidates = {"scalar", "avx2", "avx512", "shani-avx512"};
  p.fallback = "shani-avx512";
  return p;
}

const hashflop::results::CandidateRate& candidate(const hashflop::results::Selection& s,
                                                  const std::string& name) {
  for (const auto& c : s.candidates) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no candidate " + name);
}

TEST(Calibrate, PicksTheFastestMedianEvenWhenItIsNotTheCpuidDefault) {
  FakeProbe probe;
  probe.rates = {{"scalar", 3e6}, {"avx2", 20e6}, {"avx512", 42e6}, {"shani-avx512", 29e6}};
  const auto s = hashflop::tune::calibrate(plan(), probe);
  EXPECT_EQ(s.choice, "avx512");
  EXPECT_EQ(s.chosen_by, ChosenBy::measured);
  ASSERT_EQ(s.candidates.size(), 4u);
  EXPECT_DOUBLE_EQ(*candidate(s, "shani-avx512").rate, 29e6);
  EXPECT_EQ(candidate(s, "avx512").verification, Verdict::passed);
  ASSERT_TRUE(s.calibration_seconds.has_value());
  EXPECT_GE(*s.calibration_seconds, 0.0);
  EXPECT_FALSE(s.calibrated_at.empty());
  EXPECT_NE(s.reason.find("faster than the CPUID default"), std::string::npos) << s.reason;
}

TEST(Calibrate, AlternatesTheCandidatesRoundByRound) {
  FakeProbe probe;
  probe.rates = {{"scalar", 1}, {"avx2", 2}, {"avx512", 3}, {"shani-avx512", 4}};
  auto p = plan();
  p.warmup_rounds = 1;
  p.rounds = 3;
  hashflop::tune::calibrate(p, probe);
  ASSERT_EQ(probe.trials.size(), 16u);  // (1 warm-up + 3) rounds x 4 candidates
  for (size_t i = 0; i < probe.trials.size(); ++i)
    EXPECT_EQ(probe.trials[i], p.candidates[i % 4]) << "trial " << i;
}

TEST(Calibrate, NeverPicksACandidateThatFailsItsCheck) {
  FakeProbe probe;
  probe.rates = {{"scalar", 3e6}, {"avx2", 20e6}, {"avx512", 99e6}, {"shani-avx512", 29e6}};
  probe.wrong = "avx512";
  const auto s = hashflop::tune::calibrate(plan(), probe);
  EXPECT_EQ(s.choice, "shani-avx512");
  EXPECT_EQ(candidate(s, "avx512").verification, Verdict::incorrect);
  EXPECT_FALSE(candidate(s, "avx512").rate.has_value());
  for (const auto& t : probe.trials) EXPECT_NE(t, "avx512") << "a failed candidate was timed";
}

TEST(Calibrate, DropsACandidateWhoseTrialFindsAMismatch) {
  FakeProbe probe;
  probe.rates = {{"scalar", 3e6}, {"avx2", 20e6}, {"avx512", 99e6}, {"shani-avx512", 29e6}};
  probe.throws = "avx512";
  const auto s = hashflop::tune::calibrate(plan(), probe);
  EXPECT_EQ(s.choice, "shani-avx512");
  EXPECT_EQ(candidate(s, "avx512").verification, Verdict::incorrect);
  EXPECT_NE(candidate(s, "avx512").detail.find("re-check"), std::string::npos);
}

TEST(Calibrate, KeepsTheDefaultWhenTheWinnerIsWithinTheMargin) {
  FakeProbe probe;
  probe.rates = {{"scalar", 3e6}, {"avx2", 20e6}, {"avx512", 29.4e6}, {"shani-avx512", 29e6}};
  const auto s = hashflop::tune::calibrate(plan(), probe);  // 1.4% faster < 2% margin
  EXPECT_EQ(s.choice, "shani-avx512");
  EXPECT_NE(s.reason.find("default"), std::string::npos) << s.reason;
}

TEST(Calibrate, ThrowsWhenNoCandidatePasses) {
  FakeProbe probe;
  probe.rates = {{"only", 1.0}};
  probe.wrong = "only";
  hashflop::tune::CalibrationPlan p;
  p.candidates = {"only"};
  EXPECT_THROW(hashflop::tune::calibrate(p, probe), hashflop::Error);
}

}  // namespace
