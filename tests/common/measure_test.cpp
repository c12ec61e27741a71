#include "common/measure.hpp"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace hashflop::measure {
namespace {

// The definition every command shares: total work over total timed time, not the mean or the
// median of per-trial rates. Trials of unequal length tell the two apart.
TEST(Measure, RateIsTotalWorkOverTotalTime) {
  const std::vector<Trial> trials{{100, 1}, {300, 1}, {100, 2}};
  const auto s = summarize(trials);
  EXPECT_EQ(s.trials, 3u);
  EXPECT_DOUBLE_EQ(s.work, 500);
  EXPECT_DOUBLE_EQ(s.seconds, 4);
  EXPECT_DOUBLE_EQ(s.rate, 125);         // 500 / 4
  EXPECT_DOUBLE_EQ(s.median_rate, 100);  // of 100, 300, 50
  EXPECT_DOUBLE_EQ(s.min_rate, 50);
  EXPECT_DOUBLE_EQ(s.max_rate, 300);
}

TEST(Measure, NoTrialsHasNoRateAndNoStatistics) {
  const auto s = summarize({});
  EXPECT_EQ(s.trials, 0u);
  EXPECT_EQ(s.rate, 0);
  EXPECT_TRUE(std::isnan(s.median_rate));
}

TEST(Measure, FixedWarmupThenTimedTrials) {
  Series series({.warmup = 2, .stable_within = 0, .trials = 3});
  std::vector<bool> warm;
  for (int i = 0; !series.done(); ++i) {
    warm.push_back(series.warming_up());
    series.add({double(i + 1), 1});
  }
  EXPECT_EQ(warm, (std::vector<bool>{true, true, false, false, false}));
  EXPECT_TRUE(series.stable());
  EXPECT_DOUBLE_EQ(series.summary().rate, (3 + 4 + 5) / 3.0);  // warm-up not counted
}

TEST(Measure, WarmupEndsWhenTwoTrialsAgree) {
  const std::vector<double> rates{50, 80, 99, 100, 7, 7};
  size_t next = 0;
  const auto series = run_series({.warmup = 8, .stable_within = 0.03, .trials = 2}, [&](bool) {
    return std::optional<Trial>({rates[next++], 1});
  });
  EXPECT_EQ(series.warmup().size(), 4u);  // 99 and 100 agree within 3%
  EXPECT_TRUE(series.stable());
  EXPECT_DOUBLE_EQ(series.summary().rate, 7);
}

TEST(Measure, WarmupGivesUpUnstableAtItsLimit) {
  double r = 1;
  const auto series = run_series({.warmup = 3, .stable_within = 0.03, .trials = 1}, [&](bool) {
    return std::optional<Trial>({r *= 2, 1});
  });
  EXPECT_EQ(series.warmup().size(), 3u);
  EXPECT_FALSE(series.stable());
  EXPECT_EQ(series.timed().size(), 1u);
}

TEST(Measure, CutShortTrialEndsTheSeriesAndIsDropped) {
  int calls = 0;
  const auto series =
      run_series({.warmup = 0, .stable_within = 0, .trials = 5}, [&](bool) -> std::optional<Trial> {
        if (++calls == 3) return std::nullopt;
        return Trial{10, 1};
      });
  EXPECT_EQ(series.timed().size(), 2u);
  EXPECT_FALSE(series.done());
}

TEST(Measure, StopEndsTheSeries) {
  std::atomic<bool> stop{false};
  const auto series = run_series(
      {.warmup = 1, .stable_within = 0, .trials = 5},
      [&](bool) {
        stop = true;
        return std::optional<Trial>({1, 1});
      },
      &stop);
  EXPECT_EQ(series.warmup().size(), 1u);
  EXPECT_TRUE(series.timed().empty());
}

}  // namespace
}  // namespace hashflop::measure
