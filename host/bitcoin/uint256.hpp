// A 256-bit unsigned integer, as Bitcoin reads hashes and targets: 32 little-endian bytes.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace hashflop::bitcoin {

class Uint256 {
 public:
  Uint256() = default;
  static Uint256 from_u64(uint64_t v);
  /// From 32 bytes in little-endian order: a hash digest exactly as SHA-256 outputs it.
  static Uint256 from_le_bytes(std::span<const unsigned char, 32> bytes);
  /// From up to 64 hex digits, most significant first (display order). Throws UsageError.
  static Uint256 parse_hex(std::string_view text, std::string_view what);

  std::array<unsigned char, 32> le_bytes() const;
  /// 64 hex digits, most significant first (display order).
  std::string hex() const;
  /// Bits 224..255: the word a GPU or SIMD kernel compares first.
  uint32_t top_word() const { return limb_[7]; }
  bool is_zero() const;
  /// Position of the highest set bit plus one; 0 for zero.
  int bit_length() const;
  long double to_long_double() const;

  Uint256 shifted_left(int bits) const;
  Uint256 shifted_right(int bits) const;

  friend std::strong_ordering operator<=>(const Uint256& a, const Uint256& b);
  friend bool operator==(const Uint256& a, const Uint256& b) = default;

 private:
  std::array<uint32_t, 8> limb_{};  // limb_[0] is least significant
};

}  // namespace hashflop::bitcoin
