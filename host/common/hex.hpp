// Hex text <-> bytes, strict: hashes and headers come from users and must fail loudly.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hashflop {

/// Parses an even-length string of hex digits (either case). Throws UsageError naming `what`.
std::vector<unsigned char> parse_hex(std::string_view text, std::string_view what);

/// Lower-case hex of the bytes in order.
std::string to_hex(std::span<const unsigned char> bytes);

/// Lower-case hex of the bytes in reverse order: Bitcoin's display order for hashes.
std::string to_hex_reversed(std::span<const unsigned char> bytes);

/// Parses an unsigned integer in decimal, or hex with a 0x prefix; throws UsageError naming `what`.
uint64_t parse_unsigned(std::string_view text, std::string_view what);

}  // namespace hashflop
