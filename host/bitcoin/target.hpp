// Proof-of-work targets: Bitcoin Core's compact nBits encoding, and difficulty.
#pragma once

#include <cstdint>
#include <string_view>

#include "bitcoin/uint256.hpp"

namespace hashflop::bitcoin {

/// Decodes nBits with Bitcoin Core's SetCompact rules. A negative, overflowing or zero target
/// cannot be met by any header and throws UsageError.
Uint256 target_from_bits(uint32_t bits);

/// The target of difficulty 1 (nBits 0x1d00ffff).
Uint256 difficulty1_target();

/// difficulty = difficulty-1 target / target. Throws UsageError for a zero target.
long double difficulty_from_target(const Uint256& target);

/// The largest target whose difficulty is `difficulty`. Throws UsageError unless difficulty is
/// finite and positive and the target fits in 256 bits.
Uint256 target_from_difficulty(long double difficulty);

/// The target that option text names (`what`, e.g. "--bits", starts every error). Each throws
/// UsageError for text that is malformed or names a target no hash can meet.
/// nBits as hex digits, with or without 0x (e.g. "1d00ffff").
Uint256 target_from_bits_text(std::string_view text, std::string_view what);
/// Up to 64 hex digits, most significant first; zero is refused.
Uint256 target_from_hex_text(std::string_view text, std::string_view what);
/// A decimal or scientific difficulty (e.g. "1", "5.6e13"), the whole text.
Uint256 target_from_difficulty_text(std::string_view text, std::string_view what);

/// A hash meets the target when, read as a little-endian number, it is <= target.
bool meets_target(const Uint256& hash, const Uint256& target);

}  // namespace hashflop::bitcoin
