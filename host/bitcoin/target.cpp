#include "bitcoin/target.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/hex.hpp"

namespace hashflop::bitcoin {

Uint256 target_from_bits(uint32_t bits) {
  // Mirrors arith_uint256::SetCompact: size byte, sign bit 0x00800000, 23-bit mantissa.
  const int size = static_cast<int>(bits >> 24);
  uint32_t mantissa = bits & 0x007fffffu;
  const bool negative = mantissa != 0 && (bits & 0x00800000u) != 0;
  const bool overflow = mantissa != 0 && (size > 34 || (mantissa > 0xff && size > 33) ||
                                          (mantissa > 0xffff && size > 32));
  if (negative) {
    throw UsageError(fmt::format("nBits 0x{:08x}: the sign bit is set (negative target)", bits));
  }
  if (overflow) {
    throw UsageError(fmt::format("nBits 0x{:08x}: the target overflows 256 bits", bits));
  }
  Uint256 target;
  if (size <= 3) {
    target = Uint256::from_u64(mantissa >> (8 * (3 - size)));
  } else {
    target = Uint256::from_u64(mantissa).shifted_left(8 * (size - 3));
  }
  if (target.is_zero()) {
    throw UsageError(
        fmt::format("nBits 0x{:08x}: the target is zero, so no hash can meet it", bits));
  }
  return target;
}

Uint256 difficulty1_target() {
  return Uint256::from_u64(0xffff).shifted_left(208);
}

long double difficulty_from_target(const Uint256& target) {
  if (target.is_zero()) throw UsageError("difficulty of a zero target is undefined");
  return difficulty1_target().to_long_double() / target.to_long_double();
}

Uint256 target_from_difficulty(long double difficulty) {
  if (!std::isfinite(difficulty) || difficulty <= 0) {
    throw UsageError(fmt::format("difficulty must be a positive number, got {:g}", difficulty));
  }
  // target = 0xffff * 2^208 / D. Split the quotient into a 64-bit mantissa and a power of two
  // so the result keeps long double's 64 bits of precision at every scale. The quotient itself
  // must be a finite, non-zero long double before it is split: frexp of an infinity has no
  // exponent, and a tiny difficulty overflows it.
  const long double quotient = 65535.0L / difficulty;
  if (!std::isfinite(quotient)) {
    throw UsageError(fmt::format("difficulty {:g} gives a target above 2^256", difficulty));
  }
  if (quotient == 0) {
    throw UsageError(fmt::format("difficulty {:g} gives a target of zero", difficulty));
  }
  int exponent = 0;
  const long double fraction = std::frexp(quotient, &exponent);  // in [0.5, 1)
  const int shift = 208 + exponent - 64;
  if (shift + 64 > 256) {
    throw UsageError(fmt::format("difficulty {:g} gives a target above 2^256", difficulty));
  }
  if (shift <= -64) {
    throw UsageError(fmt::format("difficulty {:g} gives a target of zero", difficulty));
  }
  const auto mantissa = static_cast<uint64_t>(std::ldexp(fraction, 64));
  const Uint256 m = Uint256::from_u64(mantissa);
  const Uint256 target = shift >= 0 ? m.shifted_left(shift) : m.shifted_right(-shift);
  if (target.is_zero()) {
    throw UsageError(fmt::format("difficulty {:g} gives a target of zero", difficulty));
  }
  return target;
}

Uint256 target_from_bits_text(std::string_view text, std::string_view what) {
  const std::string digits = text.starts_with("0x") ? std::string(text) : "0x" + std::string(text);
  const uint64_t bits = parse_unsigned(digits, what);
  if (bits > 0xffffffffu) throw UsageError(fmt::format("{} {}: more than 32 bits", what, text));
  return target_from_bits(static_cast<uint32_t>(bits));
}

Uint256 target_from_hex_text(std::string_view text, std::string_view what) {
  const auto target = Uint256::parse_hex(text, what);
  if (target.is_zero()) throw UsageError(fmt::format("{}: zero, so no hash can meet it", what));
  return target;
}

Uint256 target_from_difficulty_text(std::string_view text, std::string_view what) {
  long double difficulty = 0;
  try {
    const std::string owned(text);
    size_t used = 0;
    difficulty = std::stold(owned, &used);
    if (used != owned.size()) throw std::invalid_argument("trailing characters");
  } catch (const std::exception&) {
    throw UsageError(fmt::format("{}: '{}' is not a number", what, text));
  }
  return target_from_difficulty(difficulty);
}

bool meets_target(const Uint256& hash, const Uint256& target) {
  return hash <= target;
}

}  // namespace hashflop::bitcoin
