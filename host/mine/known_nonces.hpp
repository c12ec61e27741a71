// The check every sha256d search passes before it is timed or measured: the known nonces of
// real blocks, found through the device's own search.
#pragma once

#include <functional>
#include <string>

#include "common/verdict.hpp"
#include "mine/mine_types.hpp"

namespace hashflop {

/// Each known header's nonce must be found, with its hash, by `mine` running `variant` over the
/// `count` nonces around it (inside the 2^32 nonce space), every nonce tried and no candidate
/// failing the CPU re-check. A GPU kernel is checked with the count of the launch it is timed
/// with, so the geometry that runs is the geometry that was checked.
Check verify_known_nonces(const std::function<MineResult(const MineRequest&)>& mine,
                          const std::string& variant, uint64_t count = 4096);

}  // namespace hashflop
