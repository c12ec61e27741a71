// The table `hashflop run` prints for one device: a row per run with its rate, energy and
// verdict, then the headline.
#pragma once

#include <cstdio>

#include "results/result.hpp"

namespace hashflop::report {

void print_run_table(std::FILE* to, const results::Result& r);

}  // namespace hashflop::report
