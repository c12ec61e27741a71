// Mann-Whitney U p-values against values worked by hand (the derivations are in the comments),
// and the verdict rules on small sample sets.
#include <cmath>

#include <gtest/gtest.h>

#include "compare/comparison.hpp"
#include "compare/mann_whitney.hpp"

namespace {

using namespace hashflop::compare;

// n = m = 3: the 20 arrangements give U = 0..9 with counts 1 1 2 3 3 3 3 2 1 1.
TEST(MannWhitney, ExactDistributionForThreeAndThree) {
  const int counts[] = {1, 1, 2, 3, 3, 3, 3, 2, 1, 1};
  int cumulative = 0;
  for (long u = 0; u <= 9; ++u) {
    cumulative += counts[u];
    EXPECT_NEAR(mann_whitney_cdf(3, 3, u), cumulative / 20.0, 1e-12) << u;
  }
  EXPECT_EQ(mann_whitney_cdf(3, 3, -1), 0.0);
}

TEST(MannWhitney, CompleteSeparationSmallSamples) {
  // {1,2,3} v {4,5,6}: U = 0, P(U <= 0) = 1 / C(6,3) = 1/20, two-sided 0.1.
  auto r = mann_whitney({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.u, 0);
  EXPECT_NEAR(r.p, 0.1, 1e-12);
  // Swapping the samples mirrors U (9) and leaves p.
  r = mann_whitney({4, 5, 6}, {1, 2, 3});
  EXPECT_EQ(r.u, 9);
  EXPECT_NEAR(r.p, 0.1, 1e-12);
  // {1,2} v {3,4,5}: 1 / C(5,2) = 1/10, two-sided 0.2.
  EXPECT_NEAR(mann_whitney({1, 2}, {3, 4, 5}).p, 0.2, 1e-12);
  // 4 v 4 with one inversion: U = 1, P(U <= 1) = 2/70, two-sided 4/70.
  r = mann_whitney({1, 2, 3, 5}, {4, 6, 7, 8});
  EXPECT_EQ(r.u, 1);
  EXPECT_NEAR(r.p, 4.0 / 70, 1e-12);
}

TEST(MannWhitney, InterleavedSamples) {
  // {1,3,5} v {2,4,6}: ranks 1+3+5 = 9, U = 9 - 6 = 3; P(U <= 3) = 7/20, two-sided 0.7.
  const auto r = mann_whitney({1, 3, 5}, {2, 4, 6});
  EXPECT_EQ(r.u, 3);
  EXPECT_NEAR(r.p, 0.7, 1e-12);
  // U at the centre of the distribution (n m / 2): p = 1, capped.
  EXPECT_NEAR(mann_whitney({1, 4}, {2, 3}).p, 1.0, 1e-12);
}

TEST(MannWhitney, NineAgainstNineFullySeparated) {
  // The case a 10% regression with 1% noise produces: 2 / C(18,9) = 2 / 48620.
  std::vector<double> a, b;
  for (int i = 0; i < 9; ++i) {
    a.push_back(100 + i);
    b.push_back(90 + i * 0.5);
  }
  const auto r = mann_whitney(b, a);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.p, 2.0 / 48620, 1e-15);
}

TEST(MannWhitney, NormalApproximationWithTies) {
  // {1,1,2} v {2,3,3}: midranks 1.5 1.5 3.5 | 3.5 5.5 5.5, R = 6.5, U = 0.5, mean 4.5.
  // Ties: three pairs, sum t^3 - t = 18; var = 9/12 (7 - 18/30) = 4.8.
  // z = (4 - 0.5) / sqrt(4.8) = 1.59754; p = 2 (1 - Phi(1.59754)) = 0.11014.
  const auto r = mann_whitney({1, 1, 2}, {2, 3, 3});
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 0.5);
  EXPECT_NEAR(r.p, 0.11014, 2e-5);
}

TEST(MannWhitney, NormalApproximationForLargeSamples) {
  // 60 v 60 separated: U = 0, mean 1800, var = 3600 * 121 / 12 = 36300,
  // z = 1799.5 / 190.526 = 9.445; p = erfc(9.445 / sqrt 2), about 3.6e-21.
  std::vector<double> a, b;
  for (int i = 0; i < 60; ++i) {
    a.push_back(i);
    b.push_back(100 + i);
  }
  const auto r = mann_whitney(a, b);
  EXPECT_FALSE(r.exact);
  EXPECT_NEAR(std::log10(r.p), std::log10(std::erfc(1799.5 / std::sqrt(36300.0) / std::sqrt(2.0))),
              1e-9);
  EXPECT_LT(r.p, 1e-20);
}

TEST(MannWhitney, AllTiedOrEmptyGiveNoEvidence) {
  EXPECT_EQ(mann_whitney({5, 5, 5}, {5, 5, 5}).p, 1.0);
  EXPECT_EQ(mann_whitney({}, {1, 2}).p, 1.0);
  EXPECT_NEAR(mann_whitney({1}, {2}).p, 1.0, 1e-12);  // 1 v 1: each order has probability 1/2
}

TEST(Judge, VerdictRules) {
  const std::vector<double> base = {100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9};
  std::vector<double> slower, faster, noisy;
  const double noise[] = {0.3, -0.25, 0.1, -0.05, 0.2, -0.3, 0.15, -0.1, 0.0};
  for (std::size_t i = 0; i < base.size(); ++i) {
    slower.push_back(base[i] * 0.9);
    faster.push_back(base[i] * 1.1);
    noisy.push_back(90 * (1 + noise[i]));
  }
  const CompareOptions options;
  EXPECT_EQ(judge(base, base, options).verdict, Change::same);
  const auto s = judge(base, slower, options);
  EXPECT_EQ(s.verdict, Change::slower);
  EXPECT_TRUE(s.regression);
  EXPECT_NEAR(s.change_pct, -10, 1e-9);
  EXPECT_EQ(judge(base, faster, options).verdict, Change::faster);
  EXPECT_FALSE(judge(base, faster, options).regression);
  EXPECT_EQ(judge(base, noisy, options).verdict, Change::noisy);
  // Three repetitions a side cannot reach p < 0.05 (smallest p 0.1): inconclusive, a
  // regression unless allowed (compare() applies that), with a warning.
  const auto few = judge({100, 101, 99}, {90, 91, 89}, options);
  EXPECT_EQ(few.verdict, Change::inconclusive);
  EXPECT_FALSE(few.note.empty());
  // Five a side can (smallest p 0.0079): the same overlap-free shift is a slowdown.
  EXPECT_EQ(judge({100, 101, 99, 100.5, 99.5}, {90, 91, 89, 90.5, 89.5}, options).verdict,
            Change::slower);
}

TEST(MannWhitney, SmallestAttainablePValue) {
  EXPECT_NEAR(mann_whitney_min_p(3, 3), 0.1, 1e-12);       // 2 / C(6, 3)
  EXPECT_NEAR(mann_whitney_min_p(4, 4), 2.0 / 70, 1e-12);  // 0.029
  EXPECT_NEAR(mann_whitney_min_p(9, 9), 2.0 / 48620, 1e-15);
  EXPECT_DOUBLE_EQ(mann_whitney_min_p(0, 5), 1);
}

TEST(Judge, RobustSpreadIgnoresOneOutlier) {
  EXPECT_NEAR(robust_spread_pct({100, 100, 100, 100, 10}), 0, 1e-12);
  EXPECT_NEAR(hashflop::median({3, 1, 2, 4}), 2.5, 1e-12);
}

}  // namespace
