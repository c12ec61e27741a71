// One-shot SHA-256 and double SHA-256 of byte strings, on the shared core.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace hashflop {

using Digest = std::array<unsigned char, 32>;

Digest sha256_of(std::span<const unsigned char> message);

/// SHA-256 applied twice: Bitcoin's block and transaction hash.
Digest sha256d_of(std::span<const unsigned char> message);

}  // namespace hashflop
