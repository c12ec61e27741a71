// The fp64 reference and the check every GEMM result goes through.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "gemm/gemm_types.hpp"

namespace hashflop::gemm {

/// Fills `out` with values uniform in [-1, 1] that are never zero (odd multiples of 2^-24, all
/// exact in fp32), from a SplitMix64 stream seeded with `seed`.
void fill_random(std::span<float> out, uint64_t seed);

/// What was compared and how it came out.
struct VerifyResult {
  Verdict verdict = Verdict::not_verified;
  double rel_error = 0;    ///< ||C - C_ref||_F / ||C_ref||_F over the compared elements
  double tolerance = 0;    ///< the bound rel_error had to meet
  int64_t compared = 0;    ///< elements compared with the reference
  int64_t non_finite = 0;  ///< NaN or Inf elements anywhere in C (e.g. never written)
  std::string method;      ///< "full" or "sampled 64 rows + 64 columns"
};

/// Products up to this many multiply-adds are checked in full; larger ones on sampled rows and
/// columns (every element of C is still scanned for NaN and Inf).
inline constexpr int64_t full_check_limit = int64_t{1} << 27;

/// Checks `c` = alpha * a * b + beta * c_before against an fp64 reference. `c_before` is empty
/// when beta == 0. Sampling draws rows and columns from `seed`.
VerifyResult verify_gemm(const GemmShape& shape, Dtype dtype, float alpha, float beta,
                         std::span<const float> a, std::span<const float> b,
                         std::span<const float> c_before, std::span<const float> c, uint64_t seed);

}  // namespace hashflop::gemm
