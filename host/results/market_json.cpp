// The market file (schema hashflop/market/v1) and its ASIC file, read into results/market.hpp's
// Market: every figure checked against its plausible range, every error naming file and field.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "results/json_parts.hpp"
#include "results/market.hpp"

namespace hashflop::results {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json(const fs::path& path) {
  return read_json_file(path, "market file");
}

double positive(const json& j, const std::string& where, MarketBounds b = {1e-300, 1e300}) {
  if (!j.is_number()) throw UsageError(fmt::format("{}: not a number", where));
  return plausible_value(j.get<double>(), where, b);
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
                                        MarketBounds b) {
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
    asic.j_per_th = positive(a.at("j_per_th"), at + ".j_per_th", market_bounds("j_per_th"));
    asic.j_per_th_low = optional_positive(a, "j_per_th_low", at, market_bounds("j_per_th"));
    asic.j_per_th_high = optional_positive(a, "j_per_th_high", at, market_bounds("j_per_th"));
    check_range(asic.j_per_th, asic.j_per_th_low, asic.j_per_th_high, at + ".j_per_th");
    asic.ths = optional_positive(a, "ths", at, market_bounds("ths"));
    asic.watts = optional_positive(a, "watts", at, market_bounds("watts"));
    asic.price_usd = optional_positive(a, "price_usd", at, market_bounds("asic_price"));
    // The site lens counts units per megawatt from the watts and mines at j_per_th: the two
    // must be one machine (makers round J/TH to a tenth, so 1% is allowed).
    if (asic.ths && asic.watts &&
        std::abs(*asic.watts / *asic.ths - asic.j_per_th) > 0.01 * asic.j_per_th)
      throw UsageError(fmt::format("{}: watts / ths = {:g} J/TH, but j_per_th is {:g}", at,
                                   *asic.watts / *asic.ths, asic.j_per_th));
    out.push_back(asic);
  }
  return out;
}

MarketValue parse_value(const json& v, const std::string& at, MarketBounds b) {
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

std::vector<DealReference> parse_references(const json& list, const std::string& where) {
  if (!list.is_array()) throw UsageError(where + ": \"references\" must be an array");
  std::vector<DealReference> out;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("{}: references[{}]", where, i);
    const json& r = list[i];
    if (!r.is_object()) throw UsageError(at + ": not an object");
    DealReference d;
    d.name = text(r, "name", at);
    d.use = text(r, "use", at);
    d.kind = text(r, "kind", at);
    if (d.kind != "gpu_cloud" && d.kind != "colocation")
      throw UsageError(fmt::format("{}.kind: '{}', expected gpu_cloud or colocation", at, d.kind));
    d.date = text(r, "date", at);
    d.source = text(r, "source", at);
    for (const auto& [key, field] : {std::pair{"total_usd", &d.total_usd},
                                     std::pair{"years", &d.years}, std::pair{"mw", &d.mw}}) {
      if (!r.contains(key)) throw UsageError(fmt::format("{}: needs \"{}\"", at, key));
      *field = positive(r.at(key), fmt::format("{}.{}", at, key), {1e-6, 1e15});
    }
    d.capex_usd = optional_positive(r, "capex_usd", at, {1e-6, 1e15});
    d.capex_note = r.value("capex_note", "");
    out.push_back(d);
  }
  return out;
}

// A market file's date: YYYY-MM or YYYY-MM-DD, so the report can say how old it is.
std::string market_date(const json& j, const std::string& where) {
  if (!j.contains("date")) return "";
  const std::string d = text(j, "date", where);
  const bool shape = (d.size() == 7 || d.size() == 10) && d[4] == '-' &&
                     (d.size() == 7 || d[7] == '-') && std::all_of(d.begin(), d.end(), [](char c) {
                       return c == '-' || std::isdigit(static_cast<unsigned char>(c));
                     });
  if (!shape)
    throw UsageError(fmt::format("{}: \"date\" '{}' is not YYYY-MM or YYYY-MM-DD", where, d));
  return d;
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
  for (const auto& key : required_market_keys()) {
    if (!values.contains(key)) throw UsageError(fmt::format("{}: values.{}: missing", where, key));
  }
  for (const auto& key : market_keys()) {
    if (values.contains(key))
      m.values[key] =
          parse_value(values.at(key), fmt::format("{}: values.{}", where, key), market_bounds(key));
  }
  // Mining needs what a hash earns: the chain's four figures, or the hashprice as quoted.
  const auto chain_given =
      std::count_if(chain_keys().begin(), chain_keys().end(),
                    [&](const std::string& k) { return m.values.contains(k); });
  if (chain_given != 0 && chain_given != static_cast<long>(chain_keys().size())) {
    for (const auto& key : chain_keys()) {
      if (!m.values.contains(key))
        throw UsageError(
            fmt::format("{}: values.{}: missing (the chain's figures go together)", where, key));
    }
  }
  if (chain_given == 0 && !m.quotes_hashprice())
    throw UsageError(
        fmt::format("{}: values.hashprice_usd_per_ph_day: missing (give it, or block_subsidy_btc, "
                    "fees_per_block_btc, difficulty and btc_price_usd)",
                    where));
  m.date = market_date(j, where);
  if (j.contains("gpu_hour_prices")) {
    const json& g = j.at("gpu_hour_prices");
    if (!g.is_object()) throw UsageError(where + ": \"gpu_hour_prices\" must be an object");
    for (const auto& [model, v] : g.items()) {
      if (model.empty()) throw UsageError(where + ": gpu_hour_prices: an empty model name");
      m.gpu_hour_prices[model] = parse_value(v, fmt::format("{}: gpu_hour_prices.{}", where, model),
                                             market_bounds("gpu_hour_price"));
    }
  }
  if (j.contains("references")) m.references = parse_references(j.at("references"), where);
  if (j.contains("token_prices")) {
    const json& t = j.at("token_prices");
    if (!t.is_object()) throw UsageError(where + ": \"token_prices\" must be an object");
    for (const auto& [model, v] : t.items())
      m.token_prices[model] = parse_value(v, fmt::format("{}: token_prices.{}", where, model),
                                          market_bounds("token_price"));
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

}  // namespace hashflop::results
