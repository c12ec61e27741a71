// The check every sha256d search passes before it is timed or measured: the known nonces of
// real blocks, found through the device's own search.
#pragma once

#include <functional>
#include <string>

#include "common/verdict.hpp"
#include "mine/mine_types.hpp"

namespace hashflop {

/// Each known header's nonce must be found, with its hash, by `mine` running `variant` over the
/// 4096 nonces around it, every nonce tried and no candidate failing the CPU re-check.
Check verify_known_nonces(const std::function<MineResult(const MineRequest&)>& mine,
                          const std::string& variant);

}  // namespace hashflop
