// `compare` on fleet files: each fleet entry is a series of its per-window total rates, keyed
// by workload, variant, params and "fleet", next to the per-device runs.
#pragma once

#include "compare/dataset.hpp"
#include "results/result.hpp"

namespace hashflop::compare {

/// Appends a series per entry of `r.fleet` (nothing for a one-device file).
void add_fleet_series(const results::Result& r, Dataset& d);

}  // namespace hashflop::compare
