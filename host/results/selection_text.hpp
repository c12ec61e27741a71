// How a kernel variant was chosen, in words: `mine`'s settings line and the report's device
// section say it the same way.
#pragma once

#include <string>

#include "results/result.hpp"

namespace hashflop::results {

/// "chosen by measurement before the run (0.93 s); calibration rates: avx512 48.3 MH/s, ...",
/// with the rates of fastest_per_group(selection): one per kernel.
std::string describe_selection(const Selection& selection);

/// `s` with only the fastest candidate of each group, a group being the names that agree up to
/// their last '/' ("cuda-imad/tpb256_npt64": kernel cuda-imad); a name without '/' is a group of
/// its own. A GPU autotune has tens of kernel-and-geometry trials, too many for one line (the
/// results file keeps them all). Untimed candidates are kept only where a group has no rate.
Selection fastest_per_group(const Selection& s);

}  // namespace hashflop::results
