// Integer arithmetic on sizes read from files: overflow is an error naming what was computed,
// never a silent wrap (a crafted models.json once made 16 EiB of weights read as 12 MB).
#pragma once

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "common/error.hpp"

namespace hashflop {

/// a * b; throws UsageError ("<what> overflows 64 bits") when the product does not fit: the
/// sizes come from input (a models file, a command line), so an overflow is bad input.
inline int64_t checked_mul(int64_t a, int64_t b, std::string_view what) {
  int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out))
    throw UsageError(fmt::format("{} overflows 64 bits", what));
  return out;
}

/// a + b; throws UsageError ("<what> overflows 64 bits") when the sum does not fit.
inline int64_t checked_add(int64_t a, int64_t b, std::string_view what) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out))
    throw UsageError(fmt::format("{} overflows 64 bits", what));
  return out;
}

/// a * b, or UINT64_MAX when the product does not fit: for sizes that are compared against a
/// limit (device memory, a budget), where "more than any limit" is the right answer.
inline uint64_t saturating_mul(uint64_t a, uint64_t b) {
  uint64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? UINT64_MAX : out;
}

/// a + b, or UINT64_MAX when the sum does not fit.
inline uint64_t saturating_add(uint64_t a, uint64_t b) {
  uint64_t out = 0;
  return __builtin_add_overflow(a, b, &out) ? UINT64_MAX : out;
}

}  // namespace hashflop
