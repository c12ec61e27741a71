// Market assumptions and the reference ASICs (results/market.hpp, read there), and where the
// report finds them by default.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "results/market.hpp"

namespace hashflop::report {

using results::Asic;
using results::chain_keys;
using results::load_market;
using results::Market;
using results::market_keys;
using results::market_schema_id;
using results::MarketValue;
using results::required_market_keys;

/// The market file used without --market: market/2026-03.json in hashflop's data directory.
std::filesystem::path default_market_path();

/// What a hash earns under `market`: its hashprice when it quotes one (hashprice / (1e15 x
/// 86400)), else (subsidy + fees) x BTC price / (difficulty x 2^32).
double usd_per_hash_of(const Market& market);
/// USD per PH/s per day under `market`: the quote, or the chain's.
double hashprice_of(const Market& market);
/// What mining is priced at, for a sentence: "$96,500 BTC" or "a hashprice of $39.53 per PH/s
/// per day".
std::string mining_basis(const Market& market);

/// The market file's age at `when` (a date or timestamp, YYYY-MM[-DD]...), in months of 30.44
/// days; nullopt when either date is missing or malformed.
std::optional<double> market_age_months(const Market& market, const std::string& when);

}  // namespace hashflop::report
