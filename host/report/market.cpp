#include "report/market.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/data_files.hpp"
#include "common/error.hpp"
#include "results/json_parts.hpp"
#include "results/result.hpp"

namespace hashflop::report {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json(const fs::path& path) {
  return read_json_file(path, "market file");
}

// What each input can plausibly be, in its own unit: wide enough for any market there has
// been or is likely, narrow enough that no figure derived from it overflows or turns into
// hundreds of digits (BTC at 1e308 once printed "$inf", PUE 1e-300 a 300-digit price).
struct Bounds {
  double low, high;
};

Bounds bounds_of(std::string_view key) {
  static const std::map<std::string_view, Bounds> bounds = {
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
  return it != bounds.end() ? it->second : Bounds{1e-9, 1e9};  // token prices, per million
}

double positive(const json& j, const std::string& where, Bounds b = {1e-300, 1e300}) {
  if (!j.is_number()) throw UsageError(fmt::format("{}: not a number", where));
  const double v = j.get<double>();
  if (!std::isfinite(v) || v <= 0) throw UsageError(fmt::format("{}: must be > 0", where));
  if (v < b.low || v > b.high)
    throw UsageError(
        fmt::format("{}: {} is outside the plausible range [{:g}, {:g}]", where, v, b.low, b.high));
  return v;
}

// A value's low and high, when given, bracket it.
void check_range(double value, const std::optional<double>& low, const std::optional<double>& high,
                 const std::string& where) {
  if ((low && *low > value) || (high && *high < value) || (low && high && *low > *high)) {
    throw UsageError(fmt::format("{}: range {:g} to {:g} does not contain the value {:g}", where,
                                 low.value_or(value), high.value_or(value), value));
  }
}

std::optional<double> optional_positive(const json& j, const char* key, const std::string& where,
                                        Bounds b) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return positive(j.at(key), where + "." + key, b);
}

std::string text(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j.at(key).is_string() || j.at(key).get<std::string>().empty())
    throw UsageError(fmt::format("{}: needs a non-empty string \"{}\"", where, key));
  return j.at(key).get<std::string>();
}

std::vector<Asic> parse_asics(const json& list, const std::string& where) {
  if (!list.is_array() || list.empty())
    throw UsageError(fmt::format("{}: \"asics\" must be a non-empty array", where));
  std::vector<Asic> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("{}: asics[{}]", where, i);
    const json& a = list[i];
    if (!a.is_object()) throw UsageError(at + ": not an object");
    Asic asic;
    asic.model = text(a, "model", at);
    asic.source = text(a, "source", at);
    asic.date = text(a, "date", at);
    if (!a.contains("j_per_th")) throw UsageError(at + ": needs \"j_per_th\"");
    asic.j_per_th = positive(a.at("j_per_th"), at + ".j_per_th", bounds_of("j_per_th"));
    asic.j_per_th_low = optional_positive(a, "j_per_th_low", at, bounds_of("j_per_th"));
    asic.j_per_th_high = optional_positive(a, "j_per_th_high", at, bounds_of("j_per_th"));
    check_range(asic.j_per_th, asic.j_per_th_low, asic.j_per_th_high, at + ".j_per_th");
    out.push_back(asic);
  }
  return out;
}

}  // namespace

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
  positive(json(v), fmt::format("--set {}", key), bounds_of(token ? "token_price" : key));
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

namespace {

MarketValue parse_value(const json& v, const std::string& at, Bounds b) {
  if (!v.is_object() || !v.contains("value")) throw UsageError(at + ": needs \"value\"");
  MarketValue mv;
  mv.value = positive(v.at("value"), at + ".value", b);
  mv.unit = v.value("unit", "");
  mv.date = text(v, "date", at);
  mv.source = text(v, "source", at);
  mv.assumption = v.value("assumption", false);
  mv.low = optional_positive(v, "low", at, b);
  mv.high = optional_positive(v, "high", at, b);
  check_range(mv.value, mv.low, mv.high, at);
  return mv;
}

Market parse_market(const fs::path& path) {
  const json j = read_json(path);
  const std::string where = path.string();
  if (!j.is_object() || j.value("schema", "") != market_schema_id)
    throw UsageError(fmt::format("{}: not a {} document (\"schema\" missing or different)", where,
                                 market_schema_id));
  Market m;
  m.path = path;
  m.name = text(j, "name", where);
  m.description = j.value("description", "");
  if (!j.contains("values") || !j.at("values").is_object())
    throw UsageError(where + ": needs an object \"values\"");
  const json& values = j.at("values");
  for (const auto& [key, v] : values.items()) {
    if (std::find(market_keys().begin(), market_keys().end(), key) == market_keys().end())
      throw UsageError(fmt::format("{}: unknown market key \"{}\"", where, key));
  }
  for (const auto& key : market_keys()) {
    const std::string at = fmt::format("{}: values.{}", where, key);
    if (!values.contains(key)) throw UsageError(at + ": missing");
    m.values[key] = parse_value(values.at(key), at, bounds_of(key));
  }
  if (j.contains("token_prices")) {
    const json& t = j.at("token_prices");
    if (!t.is_object()) throw UsageError(where + ": \"token_prices\" must be an object");
    for (const auto& [model, v] : t.items())
      m.token_prices[model] = parse_value(v, fmt::format("{}: token_prices.{}", where, model),
                                          bounds_of("token_price"));
  }
  if (j.contains("asics")) {
    m.asics = parse_asics(j.at("asics"), where);
  } else {
    const fs::path file = path.parent_path() / text(j, "asics_file", where);
    const json a = read_json(file);
    if (!a.is_object() || !a.contains("asics"))
      throw UsageError(file.string() + ": needs an array \"asics\"");
    m.asics = parse_asics(a.at("asics"), file.string());
  }
  return m;
}

}  // namespace

Market load_market(const fs::path& path) {
  return convert_input(path, [&] { return parse_market(path); });
}

fs::path default_market_path() {
  const auto file = data_file("market/2025-11.json");
  if (!file) {
    throw UsageError(
        "no market file: hashflop's data directory (share/hashflop beside the binary, or "
        "$HASHFLOP_DATA_DIR) is missing; give one with --market");
  }
  return *file;
}

}  // namespace hashflop::report
