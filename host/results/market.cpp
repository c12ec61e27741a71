// Market figures and their plausible ranges (results/market.hpp); the file's reader is
// results/market_json.cpp.
#include "results/market.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

#include "common/error.hpp"
#include "results/result.hpp"

namespace hashflop::results {

// What each input can plausibly be, in its own unit: wide enough for any market there has
// been or is likely, narrow enough that no figure derived from it overflows or turns into
// hundreds of digits (BTC at 1e308 once printed "$inf", PUE 1e-300 a 300-digit price).
MarketBounds market_bounds(std::string_view key) {
  static const std::map<std::string_view, MarketBounds> bounds = {
      {"block_subsidy_btc", {1e-9, 50}},  // 50 BTC was the first era's
      {"fees_per_block_btc", {1e-9, 1000}},
      {"difficulty", {1, 1e20}},  // about 1.5e14 in 2025
      {"btc_price_usd", {0.01, 1e8}},
      {"gpu_hour_usd", {1e-4, 1000}},
      {"cpu_core_hour_usd", {1e-5, 100}},
      {"electricity_usd_per_kwh", {1e-5, 10}},
      {"pue", {1, 10}},           // facility energy over IT energy: 1 at least
      {"j_per_th", {1e-3, 1e9}},  // an S23 Hyd is 9.5 J/TH, a CPU about 1e7
  };
  const auto it = bounds.find(key);
  return it != bounds.end() ? it->second : MarketBounds{1e-9, 1e9};  // token prices, per million
}

double plausible_value(double v, const std::string& where, MarketBounds b) {
  if (!std::isfinite(v) || v <= 0) throw UsageError(fmt::format("{}: must be > 0", where));
  if (v < b.low || v > b.high)
    throw UsageError(
        fmt::format("{}: {} is outside the plausible range [{:g}, {:g}]", where, v, b.low, b.high));
  return v;
}

const std::vector<std::string>& market_keys() {
  static const std::vector<std::string> keys = {
      "block_subsidy_btc", "fees_per_block_btc",      "difficulty", "btc_price_usd", "gpu_hour_usd",
      "cpu_core_hour_usd", "electricity_usd_per_kwh", "pue"};
  return keys;
}

double Market::at(const std::string& key) const {
  const auto it = values.find(key);
  if (it == values.end()) throw Error(fmt::format("market {} has no \"{}\"", name, key));
  return it->second.value;
}

void Market::apply_override(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(fmt::format("--set '{}': expected key=value", assignment));
  const std::string key = assignment.substr(0, eq), raw = assignment.substr(eq + 1);
  const bool token = key.starts_with("token_price.");
  auto& table = token ? token_prices : values;
  const auto it = table.find(token ? key.substr(12) : key);
  if (it == table.end()) {
    std::string known;
    for (const auto& k : market_keys()) known += (known.empty() ? "" : ", ") + k;
    for (const auto& [k, v] : token_prices) known += ", token_price." + k;
    throw UsageError(fmt::format("--set: unknown market key '{}' (known: {})", key, known));
  }
  double v = 0;
  size_t used = 0;
  try {
    v = std::stod(raw, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != raw.size() || !std::isfinite(v) || v <= 0)
    throw UsageError(fmt::format("--set {}: '{}' is not a positive number", key, raw));
  plausible_value(v, fmt::format("--set {}", key), market_bounds(token ? "token_price" : key));
  auto& mv = it->second;
  mv.source = fmt::format("set on the command line (--set {}; the market file had {})", key,
                          fmt::format("{:g}", mv.value));
  mv.date = results::utc_now_iso8601().substr(0, 10);
  mv.value = v;
  mv.assumption = true;
  mv.overridden = true;
  mv.low.reset();
  mv.high.reset();
}

}  // namespace hashflop::results
