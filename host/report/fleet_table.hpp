// The fleet's terminal tables: every device's runs, then per workload and variant the totals,
// the spread of per-device efficiency and the outliers, then any rank that did not end ok.
#pragma once

#include <cstdio>

#include "results/result.hpp"

namespace hashflop::report {

/// Prints the tables of a fleet result (one with `fleet`).
void print_fleet(std::FILE* to, const results::Result& r);

}  // namespace hashflop::report
