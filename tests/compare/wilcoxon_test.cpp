// The signed-rank test and its interval against values R's wilcox.test gives, recomputed by
// brute force (every sign pattern) in Python: see the comments for the inputs.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "compare/wilcoxon.hpp"

namespace {

using hashflop::compare::hodges_lehmann;
using hashflop::compare::signed_rank_cdf;
using hashflop::compare::signed_rank_min_p;
using hashflop::compare::wilcoxon_signed_rank;

TEST(SignedRank, ExactDistributionMatchesCountingSignPatterns) {
  // P(W+ <= w) = (sign patterns of ranks 1..n with positive sum <= w) / 2^n.
  EXPECT_DOUBLE_EQ(signed_rank_cdf(5, 0), 1.0 / 32);
  EXPECT_DOUBLE_EQ(signed_rank_cdf(5, 3), 5.0 / 32);
  EXPECT_DOUBLE_EQ(signed_rank_cdf(5, 10), 25.0 / 32);
  EXPECT_DOUBLE_EQ(signed_rank_cdf(8, 3), 5.0 / 256);
  EXPECT_DOUBLE_EQ(signed_rank_cdf(10, 10), 43.0 / 1024);
  EXPECT_NEAR(signed_rank_cdf(20, 60), 0.048653602600097656, 1e-15);
  EXPECT_DOUBLE_EQ(signed_rank_cdf(6, -1), 0);
  EXPECT_DOUBLE_EQ(signed_rank_cdf(6, 21), 1);
}

TEST(SignedRank, FewPairsCannotReachFivePercent) {
  EXPECT_DOUBLE_EQ(signed_rank_min_p(5), 0.0625);
  EXPECT_DOUBLE_EQ(signed_rank_min_p(6), 0.03125);
  EXPECT_DOUBLE_EQ(signed_rank_min_p(0), 1);
  // Five pairs all slower: as extreme as five can be, still p = 0.0625.
  const auto r = wilcoxon_signed_rank({-0.1, -0.2, -0.3, -0.4, -0.5});
  EXPECT_DOUBLE_EQ(r.p, 0.0625);
  EXPECT_DOUBLE_EQ(r.w_plus, 0);
}

// R's own example (?wilcox.test, depression scores before and after, paired):
// wilcox.test(x, y, paired = TRUE) gives V = 40, p-value = 0.03906.
const std::vector<double> x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
const std::vector<double> y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};

std::vector<double> differences() {
  std::vector<double> d;
  for (std::size_t i = 0; i < x.size(); ++i) d.push_back(x[i] - y[i]);
  return d;
}

TEST(SignedRank, ExactTestMatchesRsExample) {
  const auto r = wilcoxon_signed_rank(differences());
  EXPECT_EQ(r.n, 9u);
  EXPECT_DOUBLE_EQ(r.w_plus, 40);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.p, 0.0390625, 1e-12);
}

TEST(SignedRank, IntervalMatchesRsExample) {
  // conf.int = TRUE: (pseudo)median 0.46, 95% interval [0.010, 0.786] achieving 0.9609.
  const auto ci = hodges_lehmann(differences(), 0.05);
  EXPECT_NEAR(ci.estimate, 0.46, 1e-12);
  EXPECT_NEAR(ci.low, 0.01, 1e-12);
  EXPECT_NEAR(ci.high, 0.786, 1e-12);
  EXPECT_NEAR(ci.confidence, 0.9609375, 1e-12);
}

TEST(SignedRank, ZerosAndTiesUseTheCorrectedNormalApproximation) {
  // One zero (dropped), tie groups |1| x3, |2| x2, |3| x3: W+ = 52, tie-corrected variance and
  // continuity correction as R's wilcox.test(correct = TRUE): p = 0.013865.
  const auto r = wilcoxon_signed_rank({1, 1, 2, 2, -1, 3, 3, 3, 4, 0.5, 0});
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.n, 10u);
  EXPECT_DOUBLE_EQ(r.w_plus, 52);
  EXPECT_NEAR(r.p, 0.013865479292430443, 1e-12);
}

TEST(SignedRank, NoNonzeroDifferenceIsNoEvidence) {
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank({0, 0, 0}).p, 1);
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank({}).p, 1);
}

TEST(SignedRank, LargeSamplesIntervalCoversTheShift) {
  // 80 differences spread evenly around -0.05: the interval must hold the centre and be narrow.
  std::vector<double> d;
  for (int i = 0; i < 80; ++i) d.push_back(-0.05 + 0.01 * std::sin(i * 1.7));
  const auto ci = hodges_lehmann(d, 0.05);
  EXPECT_LT(ci.low, -0.05);
  EXPECT_GT(ci.high, -0.05);
  EXPECT_LT(ci.high - ci.low, 0.01);
  EXPECT_NEAR(ci.confidence, 0.95, 0.01);
  EXPECT_FALSE(wilcoxon_signed_rank(d).exact);
  EXPECT_LT(wilcoxon_signed_rank(d).p, 1e-10);
}

}  // namespace
