// Fleet deadlines: a huge --rank-timeout used to overflow the clock's nanoseconds into the past,
// so every rank gave up at once.
#include <limits>

#include <gtest/gtest.h>

#include "fleet/comm.hpp"

namespace {

using hashflop::fleet::after;
using hashflop::fleet::Clock;

TEST(FleetDeadline, HugeTimeoutsMeanNeverNotThePast) {
  const auto now = Clock::now();
  EXPECT_GT(after(now, 9.3e9), now);  // just past int64 nanoseconds from the epoch of steady time
  EXPECT_EQ(after(now, 1e300), Clock::time_point::max());
  EXPECT_EQ(after(now, std::numeric_limits<double>::infinity()), Clock::time_point::max());
}

TEST(FleetDeadline, OrdinaryTimeoutsAreExact) {
  const auto now = Clock::now();
  EXPECT_EQ(after(now, 1.5) - now, std::chrono::milliseconds(1500));
  EXPECT_EQ(after(now, 0), now);
  EXPECT_EQ(after(now, -3), now);
  EXPECT_EQ(after(now, std::numeric_limits<double>::quiet_NaN()), now);
}

}  // namespace
