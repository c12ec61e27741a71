#include "compare/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hashflop::compare {

double mann_whitney_cdf(std::size_t n, std::size_t m, long u) {
  if (u < 0) return 0;
  const auto max_u = static_cast<long>(n * m);
  if (u >= max_u) return 1;
  // counts[j][k]: arrangements of i first-sample and j second-sample values with U = k, built
  // up over i with the recurrence f(i, j, k) = f(i - 1, j, k - j) + f(i, j - 1, k) (the largest
  // value belongs to one sample or the other). Frequencies are kept as probabilities so large
  // binomials cannot overflow: each step weighs the two cases by i/(i+j) and j/(i+j).
  const std::size_t width = n * m + 1;
  std::vector<std::vector<double>> prev(m + 1, std::vector<double>(width, 0.0));
  for (std::size_t j = 0; j <= m; ++j) prev[j][0] = 1.0;  // i = 0: U = 0 for certain
  for (std::size_t i = 1; i <= n; ++i) {
    std::vector<std::vector<double>> cur(m + 1, std::vector<double>(width, 0.0));
    cur[0][0] = 1.0;  // j = 0: U = 0 for certain
    for (std::size_t j = 1; j <= m; ++j) {
      const double total = static_cast<double>(i + j);
      const double w_first = static_cast<double>(i) / total;
      const double w_second = static_cast<double>(j) / total;
      for (std::size_t k = 0; k <= i * j; ++k) {
        // Largest value from the first sample: it exceeds all j second-sample values.
        const double from_first = k >= j ? prev[j][k - j] : 0.0;
        cur[j][k] = w_first * from_first + w_second * cur[j - 1][k];
      }
    }
    prev = std::move(cur);
  }
  double cdf = 0;
  for (long k = 0; k <= u; ++k) cdf += prev[m][static_cast<std::size_t>(k)];
  return std::min(cdf, 1.0);
}

double mann_whitney_min_p(std::size_t n, std::size_t m) {
  if (n == 0 || m == 0) return 1;
  double arrangements = 1;  // C(n + m, n), built as a product so each step stays exact longer
  for (std::size_t i = 1; i <= n; ++i) {
    arrangements = arrangements * static_cast<double>(m + i) / static_cast<double>(i);
  }
  return std::min(1.0, 2 / arrangements);
}

namespace {

struct Ranked {
  double rank_sum_a = 0;
  double tie_term = 0;  // sum over tie groups of t^3 - t
};

Ranked rank(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<std::pair<double, bool>> all;  // value, from a
  all.reserve(a.size() + b.size());
  for (double x : a) all.emplace_back(x, true);
  for (double y : b) all.emplace_back(y, false);
  std::sort(all.begin(), all.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  Ranked out;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double mid = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;  // midrank
    const auto t = static_cast<double>(j - i);
    out.tie_term += t * t * t - t;
    for (std::size_t k = i; k < j; ++k) {
      if (all[k].second) out.rank_sum_a += mid;
    }
    i = j;
  }
  return out;
}

}  // namespace

MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b) {
  MannWhitney r;
  if (a.empty() || b.empty()) return r;
  const auto n = static_cast<double>(a.size());
  const auto m = static_cast<double>(b.size());
  const auto ranked = rank(a, b);
  r.u = ranked.rank_sum_a - n * (n + 1) / 2;
  const double mean = n * m / 2;
  if (ranked.tie_term == 0 && a.size() <= exact_limit && b.size() <= exact_limit) {
    // U is symmetric about n m / 2: the two-sided p doubles the smaller tail.
    const auto u = static_cast<long>(std::lround(r.u));
    const auto mirrored = static_cast<long>(std::lround(n * m)) - u;
    const double tail = mann_whitney_cdf(a.size(), b.size(), std::min(u, mirrored));
    r.p = std::min(1.0, 2 * tail);
    r.exact = true;
    return r;
  }
  r.exact = false;
  const double total = n + m;
  const double variance = n * m / 12 * ((total + 1) - ranked.tie_term / (total * (total - 1)));
  if (variance <= 0) return r;  // every value tied: no evidence either way
  // Continuity correction: U moves in steps of 1/2 with ties, 1 without; 1/2 is the usual choice.
  const double z = std::max(0.0, std::abs(r.u - mean) - 0.5) / std::sqrt(variance);
  r.p = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  return r;
}

}  // namespace hashflop::compare
