#include "compare/wilcoxon.hpp"

#include <algorithm>
#include <cmath>

#include "common/median.hpp"

namespace hashflop::compare {

double signed_rank_cdf(std::size_t n, long w) {
  if (w < 0) return 0;
  const auto max_w = static_cast<long>(n * (n + 1) / 2);
  if (w >= max_w) return 1;
  // f[k]: probability that the ranks 1..i carried by positive differences sum to k. Each rank is
  // positive with probability 1/2 under the null, independently: f_i(k) = (f_{i-1}(k) +
  // f_{i-1}(k - i)) / 2. Probabilities rather than counts, so 2^n cannot overflow.
  std::vector<double> f(static_cast<std::size_t>(max_w) + 1, 0.0);
  f[0] = 1.0;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t k = i * (i + 1) / 2; k >= i; --k) f[k] = (f[k] + f[k - i]) / 2;
    for (std::size_t k = 0; k < i; ++k) f[k] /= 2;
  }
  double cdf = 0;
  for (long k = 0; k <= w; ++k) cdf += f[static_cast<std::size_t>(k)];
  return std::min(cdf, 1.0);
}

double signed_rank_min_p(std::size_t n) {
  return n == 0 ? 1.0 : std::min(1.0, 2 * std::pow(0.5, static_cast<double>(n)));
}

SignedRank wilcoxon_signed_rank(const std::vector<double>& d) {
  SignedRank r;
  std::vector<double> nonzero;
  for (double x : d) {
    if (x != 0) nonzero.push_back(x);
  }
  r.n = nonzero.size();
  if (r.n == 0) return r;
  std::sort(nonzero.begin(), nonzero.end(),
            [](double a, double b) { return std::abs(a) < std::abs(b); });
  double tie_term = 0;  // sum over tie groups of |d| of t^3 - t
  for (std::size_t i = 0; i < r.n;) {
    std::size_t j = i;
    while (j < r.n && std::abs(nonzero[j]) == std::abs(nonzero[i])) ++j;
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;  // midrank
    const auto t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    for (std::size_t k = i; k < j; ++k) {
      if (nonzero[k] > 0) r.w_plus += mid;
    }
    i = j;
  }
  const auto n = static_cast<double>(r.n);
  const double mean = n * (n + 1) / 4;
  // Zeros were dropped, which shifts the ranks of the rest: like R, the exact distribution is
  // only used when there were none.
  if (tie_term == 0 && r.n == d.size() && r.n <= signed_rank_exact_limit) {
    // W+ is symmetric about n (n + 1) / 4: the two-sided p doubles the smaller tail.
    const auto w = static_cast<long>(std::lround(r.w_plus));
    const auto mirrored = static_cast<long>(std::lround(n * (n + 1) / 2)) - w;
    r.p = std::min(1.0, 2 * signed_rank_cdf(r.n, std::min(w, mirrored)));
    r.exact = true;
    return r;
  }
  r.exact = false;
  const double variance = n * (n + 1) * (2 * n + 1) / 24 - tie_term / 48;
  if (variance <= 0) return r;
  // Continuity correction of 1/2, as R's wilcox.test(correct = TRUE).
  const double z = std::max(0.0, std::abs(r.w_plus - mean) - 0.5) / std::sqrt(variance);
  r.p = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  return r;
}

CentreInterval hodges_lehmann(const std::vector<double>& d, double alpha) {
  CentreInterval ci;
  if (d.empty()) return ci;
  const std::size_t n = d.size();
  std::vector<double> walsh;
  walsh.reserve(n * (n + 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) walsh.push_back((d[i] + d[j]) / 2);
  }
  std::sort(walsh.begin(), walsh.end());
  ci.estimate = median(walsh);
  const auto m = static_cast<long>(walsh.size());
  // The interval [walsh(k), walsh(m + 1 - k)] (1-based) misses the centre exactly when
  // W+ <= k - 1 or W+ >= m + 1 - k, so k is the smallest with P(W+ <= k - 1) reaching alpha / 2
  // (R's qsignrank), at least 1: with few pairs the widest interval is all that is available.
  long k = 1;
  double tail = 0;
  if (n <= signed_rank_exact_limit) {
    while (k < m / 2 + 1 && signed_rank_cdf(n, k) < alpha / 2) ++k;
    // R's qsignrank(alpha / 2, n) is the smallest q with P(W+ <= q) >= alpha / 2; k = max(q, 1).
    tail = signed_rank_cdf(n, k - 1);
  } else {
    const auto nn = static_cast<double>(n);
    const double sd = std::sqrt(nn * (nn + 1) * (2 * nn + 1) / 24);
    // z of the two-sided normal quantile, from erfc's inverse by bisection (no std inverse).
    double lo = 0, hi = 10;
    for (int i = 0; i < 100; ++i) {
      const double mid = (lo + hi) / 2;
      (std::erfc(mid / std::sqrt(2.0)) > alpha ? lo : hi) = mid;
    }
    k = std::max(1L, static_cast<long>(std::floor(static_cast<double>(m) / 2 - lo * sd)));
    tail = 0.5 * std::erfc((static_cast<double>(m) / 2 - (static_cast<double>(k) - 0.5)) / sd /
                           std::sqrt(2.0));
  }
  ci.low = walsh[static_cast<std::size_t>(k - 1)];
  ci.high = walsh[static_cast<std::size_t>(m - k)];
  ci.confidence = 1 - 2 * tail;
  return ci;
}

}  // namespace hashflop::compare
