// The fleet statistics: per workload and variant, totals over the devices and the spread of
// per-device efficiency, with devices well below the median flagged. Pure: unit-tested on
// fixtures (tests/fleet/aggregate_test.cpp).
#pragma once

#include <string>
#include <vector>

#include "results/result.hpp"

namespace hashflop::fleet {

/// A device more than this fraction below the median of its group is an outlier.
inline constexpr double outlier_fraction = 0.10;

/// What groups runs of different devices into one fleet entry: workload, variant and params
/// without what each device tunes for itself (threads, geometry, settings).
std::string group_key(const results::Run& run);

/// The fleet entries (docs/results-schema.md, "Fleet") for `runs` of the devices in `devices`
/// (each with `id`, and `host` and `energy_source` to find devices sharing one energy meter).
std::vector<results::FleetEntry> summarize(const std::vector<results::Run>& runs,
                                           const std::vector<results::DeviceRecord>& devices);

}  // namespace hashflop::fleet
