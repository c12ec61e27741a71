// What `hashflop tune` prints: a table of the sha256d candidates, one per tiled GEMM variant's
// block sizes, what was chosen and why, and where the wisdom file kept it.
#pragma once

#include <string>

#include "results/tune_record.hpp"

namespace hashflop::report {

std::string format_tune_text(const results::TuneRecord& record);

}  // namespace hashflop::report
