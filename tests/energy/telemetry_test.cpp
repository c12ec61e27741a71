// What a window's polls summarize to, on samples with known values and times.
#include <gtest/gtest.h>

#include "energy/energy_meter.hpp"

namespace {

using namespace hashflop::energy;

Sample at(double t, double sm_mhz) {
  Sample s;
  s.t = t;
  s.sm_mhz = sm_mhz;
  return s;
}

TEST(Telemetry, MeanSmClockIsWeightedByTheTimeEachPollCovers) {
  // 1 s ramping 1000 -> 2000 (mean 1500), then 2 s at 2000: (1500 + 4000) / 3 s. A plain mean of
  // the three polls would be 1667.
  const Sample polls[] = {at(0, 1000), at(1, 2000), at(3, 2000)};
  const auto t = summarize(polls);
  ASSERT_TRUE(t.sm_mhz_mean);
  EXPECT_NEAR(*t.sm_mhz_mean, 5500.0 / 3, 1e-9);
  EXPECT_EQ(t.sm_mhz.median, 2000);
}

TEST(Telemetry, PollsWithoutAClockAreSkippedNotCountedAsZero) {
  const Sample polls[] = {at(0, 1500), at(0.5, unmeasured), at(1, 1700)};
  const auto t = summarize(polls);
  ASSERT_TRUE(t.sm_mhz_mean);
  EXPECT_NEAR(*t.sm_mhz_mean, 1600, 1e-9);
}

TEST(Telemetry, OnePollGivesItsClockAndNoneGivesNoMean) {
  const Sample one[] = {at(2, 1830)};
  ASSERT_TRUE(summarize(one).sm_mhz_mean);
  EXPECT_EQ(*summarize(one).sm_mhz_mean, 1830);
  const Sample none[] = {at(0, unmeasured), at(1, unmeasured)};
  EXPECT_FALSE(summarize(none).sm_mhz_mean);
  EXPECT_FALSE(summarize(std::span<const Sample>{}).sm_mhz_mean);
}

}  // namespace
