// Real mainnet block headers with their known nonces: ground truth for tests and `verify`.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace hashflop {

struct KnownHeader {
  std::string_view name;
  std::string_view header_hex;  ///< 80 bytes, with the real nonce in place
  uint32_t nonce;
  std::string_view hash_hex;  ///< display order
};

/// Genesis (block 0) and block 125,552.
std::span<const KnownHeader> known_headers();

}  // namespace hashflop
