// Multi-threaded CPU nonce search over one kernel variant.
#pragma once

#include "cpu/sha256d_variants.hpp"
#include "mine/mine_types.hpp"

namespace hashflop::cpu {

/// Searches request's range with `variant` on `threads` threads (0: all cores). The range is
/// handed out in fixed chunks from an atomic cursor, so every nonce is searched exactly once
/// and fast threads take more chunks. Candidates are re-verified with the scalar reference.
MineResult search_range(const MineRequest& request, const Sha256dVariant& variant);

}  // namespace hashflop::cpu
