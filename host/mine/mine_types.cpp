#include "mine/mine_types.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "bitcoin/target.hpp"
#include "common/error.hpp"

namespace hashflop {

void validate_range(uint32_t start, uint64_t count) {
  if (count == 0) throw UsageError("count must be at least 1");
  if (count > nonce_space) {
    throw UsageError(fmt::format("count {} is more than the 2^32 nonces a header has", count));
  }
  // Compared without adding: start + count wraps for counts near 2^64.
  if (count > nonce_space - start) {
    throw UsageError(fmt::format(
        "range [{}, {}) runs past the last nonce 4294967295 (start + count must be <= 2^32)", start,
        uint64_t{start} + count));
  }
}

void verify_candidates(const MineRequest& request, const std::vector<uint32_t>& candidates,
                       MineResult& result) {
  const uint32_t target_top = request.target.top_word();
  for (uint32_t nonce : candidates) {
    ++result.candidates;
    const auto header = request.header.with_nonce(nonce);
    const auto value = header.hash_value();
    if (value.top_word() > target_top) {
      ++result.mismatches;
      continue;
    }
    if (bitcoin::meets_target(value, request.target)) {
      result.found.push_back({nonce, header.hash_hex()});
    }
  }
  std::sort(result.found.begin(), result.found.end(),
            [](const FoundNonce& a, const FoundNonce& b) { return a.nonce < b.nonce; });
}

}  // namespace hashflop
