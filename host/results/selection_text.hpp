// How a kernel variant was chosen, in words: `mine`'s settings line and the report's device
// section say it the same way.
#pragma once

#include <string>

#include "results/result.hpp"

namespace hashflop::results {

/// "chosen by measurement before the run (0.93 s); calibration rates: avx512 48.3 MH/s, ..."
std::string describe_selection(const Selection& selection);

}  // namespace hashflop::results
