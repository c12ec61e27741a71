// The table `hashflop gemm` prints: the problem, then a row per variant with its time per
// product, rate, error against fp64 and verdict; a variant that cannot run says why.
#pragma once

#include <string>

#include "results/gemm_record.hpp"

namespace hashflop::report {

std::string format_gemm_table(const results::GemmRecord& record);

}  // namespace hashflop::report
