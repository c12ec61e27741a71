// The Wilcoxon signed-rank test and the Hodges-Lehmann interval that goes with it, for paired
// samples: are the per-pair differences (here log ratios, candidate over base) centred on zero?
// Rank-based like the Mann-Whitney test of the unpaired mode, so one disturbed pair cannot drag
// the verdict, and it assumes only that each difference is symmetric about its centre, which a
// log ratio of two runs in the same time window is (drift moves both runs of a pair alike).
#pragma once

#include <cstddef>
#include <vector>

namespace hashflop::compare {

struct SignedRank {
  double w_plus = 0;  ///< sum of the ranks of |d| over the positive differences
  std::size_t n = 0;  ///< nonzero differences (zeros are dropped, as R's wilcox.test does)
  double p = 1;       ///< two-sided p-value
  bool exact = true;  ///< exact distribution (n small, no ties) or normal approximation
};

/// Up to this many nonzero differences without ties get the exact distribution of W+.
inline constexpr std::size_t signed_rank_exact_limit = 50;

/// Two-sided test of the differences `d` against a centre of 0. No nonzero difference: p = 1.
SignedRank wilcoxon_signed_rank(const std::vector<double>& d);

/// P(W+ <= w) under the null hypothesis for n nonzero differences without ties.
double signed_rank_cdf(std::size_t n, long w);

/// The smallest two-sided p-value n nonzero differences can give (all of one sign): 2 / 2^n.
/// Below 6 pairs it is 0.0625 or more, so no change can be significant at 0.05.
double signed_rank_min_p(std::size_t n);

/// Hodges-Lehmann estimate of the centre (median of the Walsh averages (d_i + d_j) / 2, i <= j)
/// with the distribution-free interval from the signed-rank distribution: the k-th smallest
/// and k-th largest Walsh averages, k from the exact distribution (normal beyond the exact
/// limit). `confidence` is what the interval achieves, which for few pairs is above or below
/// 1 - alpha because W+ moves in steps.
struct CentreInterval {
  double estimate = 0, low = 0, high = 0;
  double confidence = 0;
};

/// `d` non-empty; alpha in (0, 1).
CentreInterval hodges_lehmann(const std::vector<double>& d, double alpha);

}  // namespace hashflop::compare
