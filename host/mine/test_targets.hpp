// The easy target that checks compare a search against the reference with: loose enough that
// every test header yields hundreds of candidates, with a 256-bit tail that still rejects some.
// One place, so no copy can lose digits (a 62-digit copy, padded on the left, once made it 256
// times harder: about one candidate per header, and the comparisons checked nearly empty sets).
#pragma once

#include <cstdint>

#include "bitcoin/uint256.hpp"

namespace hashflop {

/// Top word 0x00ffffff, next word 0x7fffffff, the rest ones: a nonce passes with probability
/// easy_target_hit_rate, the top word alone passing one in 256.
bitcoin::Uint256 easy_test_target();

/// What easy_test_target() is meant to pass: (2^24 - 1/2) / 2^32, about one nonce in 256.
inline constexpr double easy_target_hit_rate = (16777216.0 - 0.5) / 4294967296.0;

/// The number of candidates `nonces` uniformly random hashes are expected to give under
/// `target`: nonces x (target + 1) / 2^256.
double expected_hits(const bitcoin::Uint256& target, uint64_t nonces);

}  // namespace hashflop
