// Market figures and their plausible ranges (results/market.hpp); the file's reader is
// results/market_json.cpp.
#include "results/market.hpp"

#include <algorithm>
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
      {"pue", {1, 10}},                           // facility energy over IT energy: 1 at least
      {"j_per_th", {1e-3, 1e9}},                  // an S23 Hyd is 9.5 J/TH, a CPU about 1e7
      {"hashprice_usd_per_ph_day", {1e-6, 1e9}},  // about 40 in 2025-26
      {"network_hashrate_eh_s", {1e-9, 1e9}},     // about 1,000 EH/s in 2026
      {"host_overhead_fraction", {1e-6, 10}},     // server watts over device watts, minus 1
      {"utilisation", {1e-6, 1}},                 // a share of the year's hours
      {"gpu_capex_usd", {1e-3, 1e9}},
      {"cpu_capex_usd", {1e-3, 1e9}},
      {"asic_price", {1e-3, 1e9}},
      {"gpu_hour_price", {1e-4, 1000}},
      {"ths", {1e-9, 1e9}},
      {"watts", {1e-3, 1e9}},
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
  static const std::vector<std::string> keys = {"block_subsidy_btc",
                                                "fees_per_block_btc",
                                                "difficulty",
                                                "btc_price_usd",
                                                "hashprice_usd_per_ph_day",
                                                "network_hashrate_eh_s",
                                                "gpu_hour_usd",
                                                "cpu_core_hour_usd",
                                                "electricity_usd_per_kwh",
                                                "pue",
                                                "host_overhead_fraction",
                                                "utilisation",
                                                "gpu_capex_usd",
                                                "cpu_capex_usd"};
  return keys;
}

const std::vector<std::string>& required_market_keys() {
  static const std::vector<std::string> keys = {"gpu_hour_usd", "cpu_core_hour_usd",
                                                "electricity_usd_per_kwh", "pue"};
  return keys;
}

const std::vector<std::string>& chain_keys() {
  static const std::vector<std::string> keys = {"block_subsidy_btc", "fees_per_block_btc",
                                                "difficulty", "btc_price_usd"};
  return keys;
}

double Market::at(const std::string& key) const {
  const auto it = values.find(key);
  if (it == values.end()) throw Error(fmt::format("market {} has no \"{}\"", name, key));
  return it->second.value;
}

std::optional<double> Market::find(const std::string& key) const {
  const auto it = values.find(key);
  return it == values.end() ? std::nullopt : std::optional<double>(it->second.value);
}

namespace {

char lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool alnum_ascii(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// `word` occurs in `text` with no letter or digit on either side: "H100" in "NVIDIA H100 80GB
// HBM3", but "B200" not in "GB200".
bool has_word(std::string_view text, std::string_view word) {
  if (word.empty() || word.size() > text.size()) return false;
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    bool same = true;
    for (size_t k = 0; k < word.size() && same; ++k)
      same = lower_ascii(text[i + k]) == lower_ascii(word[k]);
    if (!same) continue;
    const bool left = i == 0 || !alnum_ascii(text[i - 1]);
    const bool right = i + word.size() == text.size() || !alnum_ascii(text[i + word.size()]);
    if (left && right) return true;
  }
  return false;
}

}  // namespace

const std::pair<const std::string, MarketValue>* Market::gpu_price_for(
    std::string_view device_name) const {
  const std::pair<const std::string, MarketValue>* best = nullptr;
  for (const auto& entry : gpu_hour_prices) {
    if (has_word(device_name, entry.first) && (!best || entry.first.size() > best->first.size()))
      best = &entry;
  }
  return best;
}

namespace {

std::string known_keys(const Market& m) {
  std::string known;
  for (const auto& k : market_keys()) known += (known.empty() ? "" : ", ") + k;
  for (const auto& [k, v] : m.token_prices) known += ", token_price." + k;
  for (const auto& [k, v] : m.gpu_hour_prices) known += ", gpu_hour_price." + k;
  for (const auto& a : m.asics) known += ", asic_price." + a.model;
  return known;
}

double parse_override(const std::string& key, const std::string& raw, std::string_view bounds) {
  double v = 0;
  size_t used = 0;
  try {
    v = std::stod(raw, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != raw.size() || !std::isfinite(v) || v <= 0)
    throw UsageError(fmt::format("--set {}: '{}' is not a positive number", key, raw));
  return plausible_value(v, fmt::format("--set {}", key), market_bounds(bounds));
}

std::string override_source(const std::string& key, const std::optional<double>& before) {
  return fmt::format("set on the command line (--set {}; {})", key,
                     before ? fmt::format("the market file had {:g}", *before)
                            : std::string("the market file had none"));
}

}  // namespace

void Market::apply_override(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(fmt::format("--set '{}': expected key=value", assignment));
  const std::string key = assignment.substr(0, eq), raw = assignment.substr(eq + 1);
  const std::string today = results::utc_now_iso8601().substr(0, 10);
  if (key.starts_with("asic_price.")) {
    const std::string model = key.substr(11);
    for (auto& a : asics) {
      if (a.model != model) continue;
      a.price_usd = parse_override(key, raw, "asic_price");
      a.price_overridden = true;
      return;
    }
    throw UsageError(fmt::format("--set: unknown ASIC '{}' (known: {})", model, known_keys(*this)));
  }
  const bool token = key.starts_with("token_price."), gpu = key.starts_with("gpu_hour_price.");
  const std::string entry = token ? key.substr(12) : gpu ? key.substr(15) : key;
  auto& table = token ? token_prices : gpu ? gpu_hour_prices : values;
  auto it = table.find(entry);
  const bool known =
      it != table.end() || (gpu && !entry.empty()) ||  // a GPU model the file has no price for
      (!token && !gpu &&
       std::find(market_keys().begin(), market_keys().end(), entry) != market_keys().end());
  if (!known)
    throw UsageError(
        fmt::format("--set: unknown market key '{}' (known: {})", key, known_keys(*this)));
  if (!token && !gpu && quotes_hashprice() &&
      std::find(chain_keys().begin(), chain_keys().end(), entry) != chain_keys().end())
    throw UsageError(fmt::format(
        "--set {}: market {} quotes mining as a hashprice, so {} would change nothing; set "
        "hashprice_usd_per_ph_day instead",
        key, name, entry));
  const double v = parse_override(key, raw, token ? "token_price" : gpu ? "gpu_hour_price" : entry);
  std::optional<double> before;
  if (it == table.end()) {
    it = table.emplace(entry, MarketValue{}).first;
    it->second.unit = gpu ? "USD per GPU-hour" : "";
  } else {
    before = it->second.value;
  }
  auto& mv = it->second;
  mv.source = override_source(key, before);
  mv.date = today;
  mv.value = v;
  mv.assumption = true;
  mv.overridden = true;
  mv.low.reset();
  mv.high.reset();
}

}  // namespace hashflop::results
