// The fleet's tables: every device's runs, then per workload and variant the totals, the
// spread of per-device efficiency and the outliers, then any rank that failed.
#pragma once

#include <cstdio>

#include "results/result.hpp"

namespace hashflop::fleet {

/// Prints the tables of a fleet result (one with `fleet` and `ranks`).
void print_fleet(std::FILE* to, const results::Result& r);

}  // namespace hashflop::fleet
