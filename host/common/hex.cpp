#include "common/hex.hpp"

#include <charconv>

#include <fmt/format.h>

#include "common/error.hpp"

namespace hashflop {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::vector<unsigned char> parse_hex(std::string_view text, std::string_view what) {
  if (text.size() % 2 != 0) {
    throw UsageError(fmt::format("{}: odd number of hex digits ({})", what, text.size()));
  }
  std::vector<unsigned char> bytes(text.size() / 2);
  for (size_t i = 0; i < text.size(); ++i) {
    const int v = hex_value(text[i]);
    if (v < 0) {
      const auto c = static_cast<unsigned char>(text[i]);
      throw UsageError(fmt::format(
          "{}: character {} is not a hex digit ({})", what, i + 1,
          c >= 0x20 && c < 0x7f ? fmt::format("'{}'", text[i]) : fmt::format("byte 0x{:02x}", c)));
    }
    bytes[i / 2] = static_cast<unsigned char>(i % 2 == 0 ? v << 4 : bytes[i / 2] | v);
  }
  return bytes;
}

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::string to_hex_reversed(std::span<const unsigned char> bytes) {
  std::vector<unsigned char> reversed(bytes.rbegin(), bytes.rend());
  return to_hex(reversed);
}

uint64_t parse_unsigned(std::string_view text, std::string_view what) {
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
    base = 16;
  }
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size()) {
    throw UsageError(fmt::format("{}: '{}' is not an unsigned integer", what, text));
  }
  if (ec == std::errc::result_out_of_range) {
    throw UsageError(fmt::format("{}: '{}' does not fit in 64 bits", what, text));
  }
  return value;
}

}  // namespace hashflop
