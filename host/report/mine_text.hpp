// What `hashflop mine` prints: the device and its settings, the range and target, every nonce
// found, and the rate.
#pragma once

#include <string>

#include "results/mine_record.hpp"

namespace hashflop::report {

std::string format_mine_text(const results::MineRecord& record);

}  // namespace hashflop::report
