#include "bitcoin/uint256.hpp"

#include <cmath>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/hex.hpp"

namespace hashflop::bitcoin {

Uint256 Uint256::from_u64(uint64_t v) {
  Uint256 r;
  r.limb_[0] = static_cast<uint32_t>(v);
  r.limb_[1] = static_cast<uint32_t>(v >> 32);
  return r;
}

Uint256 Uint256::from_le_bytes(std::span<const unsigned char, 32> bytes) {
  Uint256 r;
  for (int i = 0; i < 8; ++i) {
    r.limb_[i] = uint32_t{bytes[4 * i]} | uint32_t{bytes[4 * i + 1]} << 8 |
                 uint32_t{bytes[4 * i + 2]} << 16 | uint32_t{bytes[4 * i + 3]} << 24;
  }
  return r;
}

Uint256 Uint256::parse_hex(std::string_view text, std::string_view what) {
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  if (text.empty() || text.size() > 64) {
    throw UsageError(fmt::format("{}: expected 1 to 64 hex digits, got {}", what, text.size()));
  }
  std::string padded(64 - text.size(), '0');
  padded += text;
  const auto be = hashflop::parse_hex(padded, what);
  std::array<unsigned char, 32> le{};
  for (int i = 0; i < 32; ++i) le[i] = be[31 - i];
  return from_le_bytes(le);
}

std::array<unsigned char, 32> Uint256::le_bytes() const {
  std::array<unsigned char, 32> out{};
  for (int i = 0; i < 8; ++i) {
    for (int b = 0; b < 4; ++b) out[4 * i + b] = static_cast<unsigned char>(limb_[i] >> (8 * b));
  }
  return out;
}

std::string Uint256::hex() const {
  const auto le = le_bytes();
  return to_hex_reversed(le);
}

bool Uint256::is_zero() const {
  return bit_length() == 0;
}

int Uint256::bit_length() const {
  for (int i = 7; i >= 0; --i) {
    if (limb_[i] != 0) return 32 * i + 32 - __builtin_clz(limb_[i]);
  }
  return 0;
}

long double Uint256::to_long_double() const {
  long double r = 0;
  for (int i = 7; i >= 0; --i) r = r * 4294967296.0L + limb_[i];
  return r;
}

Uint256 Uint256::shifted_left(int bits) const {
  Uint256 r;
  const int words = bits / 32, rem = bits % 32;
  for (int i = 7; i >= words; --i) {
    uint64_t v = uint64_t{limb_[i - words]} << rem;
    if (rem != 0 && i - words - 1 >= 0) v |= limb_[i - words - 1] >> (32 - rem);
    r.limb_[i] = static_cast<uint32_t>(v);
  }
  return r;
}

Uint256 Uint256::shifted_right(int bits) const {
  Uint256 r;
  const int words = bits / 32, rem = bits % 32;
  for (int i = 0; i + words < 8; ++i) {
    uint64_t v = limb_[i + words] >> rem;
    if (rem != 0 && i + words + 1 < 8) v |= uint64_t{limb_[i + words + 1]} << (32 - rem);
    r.limb_[i] = static_cast<uint32_t>(v);
  }
  return r;
}

std::strong_ordering operator<=>(const Uint256& a, const Uint256& b) {
  for (int i = 7; i >= 0; --i) {
    if (a.limb_[i] != b.limb_[i]) return a.limb_[i] <=> b.limb_[i];
  }
  return std::strong_ordering::equal;
}

}  // namespace hashflop::bitcoin
