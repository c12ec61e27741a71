// BIP 320 version rolling: once a header's 2^32 nonces are used up, a miner changes one of the
// 16 general-purpose version bits to get a fresh header (a new midstate) for the same block.
// Every long sha256d run (CPU and CUDA) takes its headers from here.
#pragma once

#include <cstdint>

#include "bitcoin/header.hpp"

namespace hashflop {

/// BIP 320: version bits 13..28 are free for miners to roll.
inline constexpr uint32_t bip320_version_mask = 0x1fffe000u;
inline constexpr int bip320_first_bit = 13;
/// The last roll index: indices 0..bip320_last_roll give 2^16 distinct versions.
inline constexpr uint32_t bip320_last_roll = bip320_version_mask >> bip320_first_bit;

/// The base header with roll `index` applied: index's bits are XORed into the masked version
/// bits, so index 0 is the base header itself, every index in [0, bip320_last_roll] gives a
/// distinct version, and no bit outside the mask ever changes. Throws UsageError past the last.
bitcoin::BlockHeader rolled_header(const bitcoin::BlockHeader& base, uint32_t index);

/// An endless-looking supply of distinct headers for long runs: the base header first, then
/// each BIP 320 roll in turn.
class HeaderRoller {
 public:
  explicit HeaderRoller(const bitcoin::BlockHeader& base) : base_(base) {}

  /// True while next() has another distinct header to give.
  bool has_next() const { return next_index_ <= bip320_last_roll; }
  /// The next distinct header. Throws UsageError once all 2^16 versions have been given.
  bitcoin::BlockHeader next() { return rolled_header(base_, next_index_++); }
  /// Headers given so far.
  uint32_t given() const { return next_index_; }

 private:
  bitcoin::BlockHeader base_;
  uint32_t next_index_ = 0;
};

}  // namespace hashflop
