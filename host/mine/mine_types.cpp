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

namespace {

void keep_lowest(std::vector<FoundNonce>& found, uint64_t max_listed) {
  const auto by_nonce = [](const FoundNonce& a, const FoundNonce& b) { return a.nonce < b.nonce; };
  std::sort(found.begin(), found.end(), by_nonce);
  if (found.size() > max_listed) found.resize(static_cast<size_t>(max_listed));
}

}  // namespace

void verify_candidates(const MineRequest& request, std::span<const uint32_t> candidates,
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
    if (!bitcoin::meets_target(value, request.target)) continue;
    ++result.found_count;
    result.found.push_back({nonce, header.hash_hex()});
    // Trimmed in batches: sorting on every hit would cost more than the hashing.
    if (result.found.size() >= 2 * std::max<uint64_t>(request.max_listed, 512))
      keep_lowest(result.found, request.max_listed);
  }
  keep_lowest(result.found, request.max_listed);
}

void merge_found(const MineRequest& request, MineResult& into, MineResult&& part) {
  into.candidates += part.candidates;
  into.mismatches += part.mismatches;
  into.found_count += part.found_count;
  into.found.insert(into.found.end(), std::make_move_iterator(part.found.begin()),
                    std::make_move_iterator(part.found.end()));
  keep_lowest(into.found, request.max_listed);
}

}  // namespace hashflop
