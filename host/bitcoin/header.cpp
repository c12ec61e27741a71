#include "bitcoin/header.hpp"

#include <algorithm>
#include <span>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/hex.hpp"

namespace hashflop::bitcoin {

BlockHeader BlockHeader::parse_hex(std::string_view text) {
  if (text.size() != 2 * size) {
    throw UsageError(fmt::format(
        "header: expected {} hex digits ({} bytes), got {} digits{}", 2 * size, size, text.size(),
        text.size() % 2 == 0 ? fmt::format(" ({} bytes)", text.size() / 2) : ", an odd number"));
  }
  const auto bytes = hashflop::parse_hex(text, "header");
  std::array<unsigned char, size> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return BlockHeader(out);
}

std::string BlockHeader::hex() const {
  return to_hex(bytes_);
}

uint32_t BlockHeader::read_u32(size_t offset) const {
  return uint32_t{bytes_[offset]} | uint32_t{bytes_[offset + 1]} << 8 |
         uint32_t{bytes_[offset + 2]} << 16 | uint32_t{bytes_[offset + 3]} << 24;
}

void BlockHeader::write_u32(size_t offset, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes_[offset + i] = static_cast<unsigned char>(value >> (8 * i));
}

int32_t BlockHeader::version() const {
  return static_cast<int32_t>(read_u32(0));
}
std::string BlockHeader::prev_hash_hex() const {
  return to_hex_reversed(std::span(bytes_).subspan(4, 32));
}
std::string BlockHeader::merkle_root_hex() const {
  return to_hex_reversed(std::span(bytes_).subspan(36, 32));
}
uint32_t BlockHeader::time() const {
  return read_u32(68);
}
uint32_t BlockHeader::bits() const {
  return read_u32(72);
}
uint32_t BlockHeader::nonce() const {
  return read_u32(nonce_offset);
}

BlockHeader BlockHeader::with_nonce(uint32_t nonce) const {
  BlockHeader h = *this;
  h.write_u32(nonce_offset, nonce);
  return h;
}

BlockHeader BlockHeader::with_version(int32_t version) const {
  BlockHeader h = *this;
  h.write_u32(0, static_cast<uint32_t>(version));
  return h;
}

Digest BlockHeader::hash() const {
  return sha256d_of(bytes_);
}
std::string BlockHeader::hash_hex() const {
  return to_hex_reversed(hash());
}
Uint256 BlockHeader::hash_value() const {
  return Uint256::from_le_bytes(hash());
}

}  // namespace hashflop::bitcoin
