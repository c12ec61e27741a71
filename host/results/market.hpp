// Market assumptions (schema "hashflop/market/v1") and the reference ASICs: every number the
// money figures use, each with its date and source, loaded from a versioned data file
// (read by results/market_json.cpp; report/ values results with it).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hashflop::results {

inline constexpr const char* market_schema_id = "hashflop/market/v1";

/// One market figure with its provenance.
struct MarketValue {
  double value = 0;
  std::string unit, date, source;
  bool assumption = false;          ///< not a published figure: a choice the report states
  bool overridden = false;          ///< replaced with --set
  std::optional<double> low, high;  ///< the range the central value was picked from
};

/// A reference mining ASIC, efficiency at the wall.
struct Asic {
  std::string model, date, source;
  double j_per_th = 0;
  std::optional<double> j_per_th_low, j_per_th_high;
};

/// The keys a market file must define, in the order the report lists them.
const std::vector<std::string>& market_keys();

struct Market {
  std::string name, description;
  std::filesystem::path path;
  std::map<std::string, MarketValue> values;  ///< exactly market_keys()
  /// USD per million tokens, by model preset name (data/models.json); optional in the file.
  std::map<std::string, MarketValue> token_prices;
  std::vector<Asic> asics;

  /// The value of `key`; throws Error when absent (load_market guarantees every key).
  double at(const std::string& key) const;
  /// Replaces one field from "key=value" (a token price: "token_price.MODEL=value"): the value
  /// becomes a user override dated today.
  /// Throws UsageError for an unknown key or a value that is not a positive finite number.
  void apply_override(const std::string& assignment);
};

/// Reads a market file and the ASIC file it names (`asics_file`, relative to it) or its inline
/// `asics`. Throws UsageError naming the file and the field for any malformed or missing part.
Market load_market(const std::filesystem::path& path);

/// What each input can plausibly be, in its own unit (`key` a market key, "j_per_th" or
/// "token_price").
struct MarketBounds {
  double low, high;
};
MarketBounds market_bounds(std::string_view key);
/// `v` when it is finite, positive and within `b`; else throws UsageError naming `where`.
double plausible_value(double v, const std::string& where, MarketBounds b = {1e-300, 1e300});

}  // namespace hashflop::results
