// What a nonce search is asked to do and what it reports, for every backend.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bitcoin/header.hpp"
#include "bitcoin/uint256.hpp"

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
  std::vector<FoundNonce> found;  ///< every nonce meeting the full target, ascending
  /// Nonces the kernel flagged on the top 32 bits; the scalar reference re-checked each.
  uint64_t candidates = 0;
  /// Candidates whose reference hash does not pass the top-word test: a kernel bug.
  uint64_t mismatches = 0;
  /// Backend-specific settings worth recording (launch geometry, threads).
  std::vector<std::pair<std::string, std::string>> settings;

  double hashes_per_second() const { return seconds > 0 ? double(nonces_tried) / seconds : 0; }
};

/// Checks the range and throws UsageError if it is empty or runs past 2^32 - 1.
void validate_range(uint32_t start, uint64_t count);

/// Re-checks candidate nonces with the scalar reference (a plain sha256d of the header), adds the
/// ones meeting the target to `result.found` and counts kernel mismatches. Sorts `found`.
void verify_candidates(const MineRequest& request, const std::vector<uint32_t>& candidates,
                       MineResult& result);

}  // namespace hashflop
