#include "gemm/gemm_types.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/error.hpp"

namespace hashflop::gemm {

Dtype parse_dtype(std::string_view text) {
  if (text == "fp32") return Dtype::fp32;
  if (text == "tf32") return Dtype::tf32;
  if (text == "bf16") return Dtype::bf16;
  if (text == "fp16") return Dtype::fp16;
  throw UsageError(fmt::format("unknown dtype '{}' (known: fp32, tf32, bf16, fp16)", text));
}

std::string_view dtype_name(Dtype dtype) {
  switch (dtype) {
    case Dtype::fp32:
      return "fp32";
    case Dtype::tf32:
      return "tf32";
    case Dtype::bf16:
      return "bf16";
    case Dtype::fp16:
      return "fp16";
  }
  return "?";
}

int element_bytes(Dtype dtype) {
  return dtype == Dtype::bf16 || dtype == Dtype::fp16 ? 2 : 4;
}

std::string GemmShape::str() const {
  return fmt::format("{}x{}x{}", m, n, k);
}

// Why these bounds. With inputs uniform in [-1, 1], each term a*b has mean 0 and variance 1/9,
// so |C| grows like sqrt(k/9). Accumulating in fp32 (unit roundoff u = 2^-24) rounds every
// partial sum s_j (size ~ sqrt(j/9)) by up to u |s_j|; those errors are independent, so their sum
// is a random walk of size ~ u sqrt(sum_j j/9) = u k / sqrt(18), i.e. a relative error of about
// u sqrt(k/2) ~ 0.7 sqrt(k) u for plain serial summation (Higham and Mary's probabilistic bound;
// the worst-case k u bound is never approached by random data). Blocked and FMA summation only
// do better. The constant 8 leaves an order of magnitude of margin over 0.7, and k + 2 covers
// the alpha and beta roundings, which matter when k is 1.
// Reduced-precision inputs (tf32, fp16: 10 stored mantissa bits, u_in = 2^-11; bf16: 7 bits,
// u_in = 2^-8) add one rounding to each of a and b; products of rounded inputs have relative
// error <= 2 u_in, independent per term, and averaging over k terms keeps the Frobenius ratio at
// about 2 u_in / sqrt(3) or below, so 4 u_in bounds it with margin, on top of the fp32 term.
double tolerance(Dtype dtype, int64_t k) {
  const double u = std::ldexp(1.0, -24);
  const double accumulate = 8.0 * std::sqrt(static_cast<double>(std::max<int64_t>(k, 0) + 2)) * u;
  switch (dtype) {
    case Dtype::fp32:
      return accumulate;
    case Dtype::tf32:
    case Dtype::fp16:
      return accumulate + 4.0 * std::ldexp(1.0, -11);
    case Dtype::bf16:
      return accumulate + 4.0 * std::ldexp(1.0, -8);
  }
  return accumulate;
}

}  // namespace hashflop::gemm
