// The sentence `hashflop run` ends its table with: what the device is worth mining versus
// doing AI at the market file's prices.
#pragma once

#include <string>

#include "results/result.hpp"

namespace hashflop::report {

/// The verdict and the prices it used; empty when there is no market file to price with (the
/// table stands on its own).
std::string price_verdict(const results::Result& result);

}  // namespace hashflop::report
