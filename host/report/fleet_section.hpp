// The fleet's part of `hashflop report`: one section per fleet file with the totals, the
// per-device spread, the outliers and every rank's status.
#pragma once

#include <string>

#include "report/document.hpp"
#include "results/result.hpp"

namespace hashflop::report {

/// Adds a "Fleet: <label>" section when `r` is a fleet file; does nothing otherwise.
void add_fleet_section(Document& doc, const results::Result& r, const std::string& label);

}  // namespace hashflop::report
