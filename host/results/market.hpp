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
  std::optional<double> ths, watts;  ///< the maker's hashrate and wall power, when listed
  std::optional<double> price_usd;   ///< capex per unit: payback months when set
  bool price_overridden = false;
};

/// A deal that priced a megawatt: total over years for a site's critical IT megawatts.
struct DealReference {
  std::string name, use, date, source;
  std::string kind;  ///< "gpu_cloud" (the operator owns the GPUs) or "colocation" (the tenant does)
  double total_usd = 0, years = 0, mw = 0;
  std::optional<double> capex_usd;  ///< what the operator spends on the hardware, when stated
  std::string capex_note;
  /// total / years / mw.
  double usd_per_mw_year() const { return total_usd / years / mw; }
};

/// Every key a market file's "values" may hold, in the order the report lists them.
const std::vector<std::string>& market_keys();
/// The keys every market file must hold.
const std::vector<std::string>& required_market_keys();
/// BTC price x (subsidy + fees) / difficulty: all four, or "hashprice_usd_per_ph_day" instead.
const std::vector<std::string>& chain_keys();

struct Market {
  std::string name, description;
  std::string date;  ///< the file's date (YYYY-MM-DD or YYYY-MM); empty when it gives none
  std::filesystem::path path;
  std::map<std::string, MarketValue> values;  ///< required_market_keys() and any of the others
  /// USD per million tokens, by model preset name (data/models.json); optional in the file.
  std::map<std::string, MarketValue> token_prices;
  /// USD per GPU-hour by GPU model ("H100"), matched as a word of the device name; a GPU
  /// matching none is priced at values["gpu_hour_usd"].
  std::map<std::string, MarketValue> gpu_hour_prices;
  std::vector<Asic> asics;
  std::vector<DealReference> references;

  /// The value of `key`; throws Error when absent (load_market guarantees the required keys).
  double at(const std::string& key) const;
  /// The value of `key`, or nullopt when the file does not hold it.
  std::optional<double> find(const std::string& key) const;
  /// True when the market quotes mining as a hashprice rather than a chain (BTC price etc.).
  bool quotes_hashprice() const { return values.contains("hashprice_usd_per_ph_day"); }
  /// The GPU-hour price for a device named `device_name`: the longest model key that is a
  /// whole word of it (case-insensitive), else nullptr (the default, gpu_hour_usd, applies).
  const std::pair<const std::string, MarketValue>* gpu_price_for(
      std::string_view device_name) const;
  /// Replaces one field from "key=value" (a token price: "token_price.MODEL=value", a GPU model's
  /// hour price "gpu_hour_price.MODEL=value", an ASIC's capex "asic_price.MODEL=value"): the
  /// value becomes a user override dated today. An optional key the file lacks is added.
  /// Throws UsageError for an unknown key, a value that is not a positive finite number, or a
  /// chain key when the market quotes a hashprice (which would silently change nothing).
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
