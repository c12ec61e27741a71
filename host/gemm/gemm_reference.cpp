#include "gemm/gemm_reference.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

namespace hashflop::gemm {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Accumulates errors and reference norms over the compared elements.
struct Sums {
  double err2 = 0, ref2 = 0;
  int64_t count = 0;
  void add(double ref, float got) {
    const double d = static_cast<double>(got) - ref;
    err2 += d * d;
    ref2 += ref * ref;
    ++count;
  }
};

// Row i of the fp64 reference: alpha * A[i,:] * B + beta * C_before[i,:], into `row` (n).
void reference_row(const GemmShape& s, double alpha, double beta, const float* a, const float* b,
                   std::span<const float> c_before, int64_t i, std::vector<double>& row) {
  std::fill(row.begin(), row.end(), 0.0);
  for (int64_t p = 0; p < s.k; ++p) {
    const double aip = a[i * s.k + p];
    const float* brow = b + p * s.n;
    for (int64_t j = 0; j < s.n; ++j) row[static_cast<size_t>(j)] += aip * brow[j];
  }
  for (int64_t j = 0; j < s.n; ++j) {
    double& r = row[static_cast<size_t>(j)];
    r *= alpha;
    if (beta != 0.0) r += beta * c_before[static_cast<size_t>(i * s.n + j)];
  }
}

std::vector<int64_t> sample(int64_t count, int64_t from, std::mt19937_64& rng) {
  std::vector<int64_t> all(static_cast<size_t>(from));
  std::iota(all.begin(), all.end(), int64_t{0});
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(static_cast<size_t>(std::min(count, from)));
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

void fill_random(std::span<float> out, uint64_t seed) {
  uint64_t state = seed;
  for (float& x : out) {
    // 24 random bits u -> (2u + 1 - 2^24) / 2^24: odd numerator, so never zero, and exact.
    const auto u = static_cast<int64_t>(splitmix64(state) >> 40);
    x = static_cast<float>(2 * u + 1 - (int64_t{1} << 24)) * 0x1p-24f;
  }
}

VerifyResult verify_gemm(const GemmShape& s, Dtype dtype, float alpha, float beta,
                         std::span<const float> a, std::span<const float> b,
                         std::span<const float> c_before, std::span<const float> c, uint64_t seed) {
  VerifyResult result;
  result.tolerance = tolerance(dtype, s.k);
  for (float x : c) result.non_finite += std::isfinite(x) ? 0 : 1;

  Sums sums;
  std::vector<double> row(static_cast<size_t>(s.n));
  const double da = alpha, db = beta;
  const bool full = s.m * s.n * s.k <= full_check_limit || (s.m <= 64 && s.n <= 64);
  if (full) {
    result.method = "full";
    for (int64_t i = 0; i < s.m; ++i) {
      reference_row(s, da, db, a.data(), b.data(), c_before, i, row);
      for (int64_t j = 0; j < s.n; ++j)
        sums.add(row[static_cast<size_t>(j)], c[static_cast<size_t>(i * s.n + j)]);
    }
  } else {
    // 64 whole rows and 64 whole columns: every tile row and tile column position, edges
    // included, is hit with high probability, at a cost of 64 (m + n) k multiply-adds.
    result.method = "sampled 64 rows + 64 columns";
    std::mt19937_64 rng(seed);
    const auto rows = sample(64, s.m, rng);
    const auto cols = sample(64, s.n, rng);
    for (int64_t i : rows) {
      reference_row(s, da, db, a.data(), b.data(), c_before, i, row);
      for (int64_t j = 0; j < s.n; ++j)
        sums.add(row[static_cast<size_t>(j)], c[static_cast<size_t>(i * s.n + j)]);
    }
    // Columns: gather B's sampled columns contiguously (k x 64), then one dot per row.
    const auto nc = static_cast<int64_t>(cols.size());
    std::vector<double> bcols(static_cast<size_t>(s.k * nc));
    for (int64_t p = 0; p < s.k; ++p) {
      for (int64_t q = 0; q < nc; ++q) {
        bcols[static_cast<size_t>(p * nc + q)] =
            b[static_cast<size_t>(p * s.n + cols[static_cast<size_t>(q)])];
      }
    }
    std::vector<double> acc(static_cast<size_t>(nc));
    for (int64_t i = 0; i < s.m; ++i) {
      if (std::binary_search(rows.begin(), rows.end(), i)) continue;  // already compared
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t p = 0; p < s.k; ++p) {
        const double aip = a[static_cast<size_t>(i * s.k + p)];
        const double* bp = bcols.data() + p * nc;
        for (int64_t q = 0; q < nc; ++q) acc[static_cast<size_t>(q)] += aip * bp[q];
      }
      for (int64_t q = 0; q < nc; ++q) {
        const auto idx = static_cast<size_t>(i * s.n + cols[static_cast<size_t>(q)]);
        double ref = da * acc[static_cast<size_t>(q)];
        if (beta != 0.0f) ref += db * c_before[idx];
        sums.add(ref, c[idx]);
      }
    }
  }
  result.compared = sums.count;
  result.rel_error = sums.ref2 > 0 ? std::sqrt(sums.err2 / sums.ref2) : std::sqrt(sums.err2);
  const bool ok = result.non_finite == 0 && std::isfinite(result.rel_error) &&
                  result.rel_error <= result.tolerance;
  if (result.non_finite != 0) result.rel_error = std::numeric_limits<double>::infinity();
  result.verdict = ok ? Verdict::passed : Verdict::incorrect;
  return result;
}

}  // namespace hashflop::gemm
