// What a nonce search is asked to do and what it reports, for every backend.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bitcoin/header.hpp"
#include "bitcoin/uint256.hpp"
#include "common/measure.hpp"

namespace hashflop {

/// One past the last nonce: ranges are [start, start + count) with start + count <= 2^32.
inline constexpr uint64_t nonce_space = uint64_t{1} << 32;

struct MineRequest {
  explicit MineRequest(const bitcoin::BlockHeader& h) : header(h) {}

  bitcoin::BlockHeader header;
  uint32_t start = 0;
  uint64_t count = 0;
  bitcoin::Uint256 target;
  std::string variant;   ///< empty: the backend's fastest
  unsigned threads = 0;  ///< CPU threads; 0: all cores
  /// GPU launch geometry overrides; 0 means "from the occupancy API" (or autotune).
  unsigned threads_per_block = 0;
  unsigned nonces_per_thread = 0;
  /// Set by another thread to stop early; nonces_tried then counts exactly what was searched.
  const std::atomic<bool>* cancel = nullptr;
  /// When set, advanced by each chunk of nonces as it is searched: what a progress line reads.
  std::atomic<uint64_t>* searched = nullptr;
  /// At most this many found nonces are listed (the lowest); the rest are only counted, so an
  /// easy target over 2^32 nonces cannot fill the memory with billions of hits.
  uint64_t max_listed = 1000;
  /// CPU, no `variant`: choose from the wisdom file (false: --no-wisdom). A range long enough
  /// to pay for it is calibrated first when the file has no answer.
  bool use_wisdom = true;
};

struct FoundNonce {
  uint32_t nonce = 0;
  std::string hash_hex;  ///< display order
};

struct MineResult {
  std::string device;
  std::string variant;
  uint32_t start = 0;
  uint64_t count = 0;
  uint64_t nonces_tried = 0;
  double seconds = 0;
  /// The lowest nonces meeting the full target, ascending: all of them, unless there are more
  /// than the request's max_listed.
  std::vector<FoundNonce> found;
  uint64_t found_count = 0;  ///< every nonce meeting the full target, listed or not
  /// Nonces the kernel flagged on the top 32 bits; the scalar reference re-checked each.
  uint64_t candidates = 0;
  /// Candidates whose reference hash does not pass the top-word test: a kernel bug.
  uint64_t mismatches = 0;
  /// Backend-specific settings worth recording (launch geometry, threads).
  std::vector<std::pair<std::string, std::string>> settings;

  double hashes_per_second() const {
    return measure::Trial{static_cast<double>(nonces_tried), seconds}.rate();
  }
  /// Whether the timed search was long enough for its rate to describe the kernel rather than
  /// the start-up (threads, first touches of memory, a GPU's first launch) that `seconds` holds.
  bool rate_is_meaningful() const { return seconds >= min_meaningful_seconds; }
  /// Below this the fixed start-up is more than a few percent of the time: on a 2-core VM it is
  /// about 1 to 12 ms (12 ms on a loaded one), so 0.25 s keeps it under about 5%.
  static constexpr double min_meaningful_seconds = 0.25;
};

/// Checks the range and throws UsageError if it is empty or runs past 2^32 - 1.
void validate_range(uint32_t start, uint64_t count);

/// Re-checks candidate nonces with the scalar reference (a plain sha256d of the header), counts
/// the ones meeting the target and kernel mismatches, and keeps the lowest request.max_listed
/// in `result.found`, sorted. Can be called chunk by chunk: memory stays bounded.
void verify_candidates(const MineRequest& request, std::span<const uint32_t> candidates,
                       MineResult& result);
/// Adds `part`'s counts and found nonces to `into`, keeping the lowest max_listed.
void merge_found(const MineRequest& request, MineResult& into, MineResult&& part);

}  // namespace hashflop
