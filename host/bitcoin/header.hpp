// The 80-byte Bitcoin block header and its fields (all little-endian on the wire).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "bitcoin/uint256.hpp"
#include "sha256/sha256.hpp"

namespace hashflop::bitcoin {

class BlockHeader {
 public:
  static constexpr size_t size = 80;
  static constexpr size_t nonce_offset = 76;

  /// Exactly 160 hex digits. Throws UsageError naming what is wrong.
  static BlockHeader parse_hex(std::string_view text);
  explicit BlockHeader(const std::array<unsigned char, size>& bytes) : bytes_(bytes) {}

  const std::array<unsigned char, size>& bytes() const { return bytes_; }
  std::string hex() const;

  int32_t version() const;
  /// Previous block hash and merkle root in display (reversed) order.
  std::string prev_hash_hex() const;
  std::string merkle_root_hex() const;
  uint32_t time() const;
  uint32_t bits() const;
  uint32_t nonce() const;

  BlockHeader with_nonce(uint32_t nonce) const;
  BlockHeader with_version(int32_t version) const;

  Digest hash() const;
  /// The block hash in the conventional reversed byte order.
  std::string hash_hex() const;
  /// The hash as the number the proof-of-work compares with the target.
  Uint256 hash_value() const;

 private:
  uint32_t read_u32(size_t offset) const;
  void write_u32(size_t offset, uint32_t value);

  std::array<unsigned char, size> bytes_;
};

}  // namespace hashflop::bitcoin
