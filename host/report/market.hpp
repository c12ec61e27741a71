// Market assumptions and the reference ASICs (results/market.hpp, read there), and where the
// report finds them by default.
#pragma once

#include <filesystem>

#include "results/market.hpp"

namespace hashflop::report {

using results::Asic;
using results::load_market;
using results::Market;
using results::market_keys;
using results::market_schema_id;
using results::MarketValue;

/// The market file used without --market: results/market/2025-11.json under the working
/// directory, else under the source tree hashflop was built from.
std::filesystem::path default_market_path();

}  // namespace hashflop::report
