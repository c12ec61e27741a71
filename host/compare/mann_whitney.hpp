// The Mann-Whitney U test (Wilcoxon rank-sum), two-sided: does one set of repetitions tend to
// lie above the other? Rank-based, so it assumes no distribution and shrugs off a single outlier
// run, which is what benchmark repetitions on a shared machine produce.
#pragma once

#include <vector>

namespace hashflop::compare {

struct MannWhitney {
  double u = 0;       ///< U of the first sample: pairs (x, y) with x > y, ties counting 1/2
  double p = 1;       ///< two-sided p-value
  bool exact = true;  ///< exact distribution (small samples, no ties) or normal approximation
};

/// Samples up to this size each, without ties, get the exact distribution of U.
inline constexpr std::size_t exact_limit = 50;

/// Two-sided test of `a` against `b`. Either sample empty: p = 1.
MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b);

/// The smallest two-sided p-value samples of n and m can give (complete separation, no ties):
/// 2 / C(n + m, n). For 3 against 3 it is 0.1: no outcome is significant at 0.05.
double mann_whitney_min_p(std::size_t n, std::size_t m);

/// P(U <= u) under the null hypothesis for sample sizes n and m, without ties (u an integer).
double mann_whitney_cdf(std::size_t n, std::size_t m, long u);

}  // namespace hashflop::compare
