// The site lens: what N megawatts of IT power earn in a year, for each way to fill them (mining
// with each reference ASIC, mining or renting the measured device, serving its tokens, leasing
// the megawatts as colocation), beside the deals that priced a megawatt. Pure formulas first,
// so each figure can be checked by hand; then the table built from them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "results/market.hpp"

namespace hashflop::report {

inline constexpr double hours_per_year = 8760;  ///< the site lens's year: 365 days
inline constexpr double seconds_per_year = hours_per_year * 3600;

/// Facility electricity for a year of `mw` MW of IT power, drawn in full all year:
/// mw x 1000 kW x 8760 h x price x PUE.
double site_energy_cost_usd(double mw, double facility_usd_per_kwh, double pue);
/// Devices `mw` MW holds when each draws `device_watts` and its server adds `host_overhead`
/// of that: mw x 1e6 / (device_watts x (1 + host_overhead)). Fractional: an average.
double devices_per_site(double mw, double device_watts, double host_overhead);
/// ASICs (watts at the wall) in `mw` MW: mw x 1e6 / asic_watts.
double asic_units_per_site(double mw, double asic_watts);
/// A year of mining with an ASIC: mw x 1e6 W / (j_per_th / 1e12) H/s x usd_per_hash x 8760 x 3600.
double asic_mining_usd_per_year(double mw, double j_per_th, double usd_per_hash);
/// A year of mining with the measured device: the site's watts for devices,
/// mw x 1e6 / (1 + host_overhead), x hashes/J x usd_per_hash x 8760 x 3600.
double device_mining_usd_per_year(double mw, double hashes_per_joule, double host_overhead,
                                  double usd_per_hash);
/// A year of renting: devices x usd_per_hour x 8760 x utilisation.
double rental_usd_per_year(double devices, double usd_per_hour, double utilisation);
/// A year of serving tokens: mw x 1e6 / (1 + host_overhead) x tokens/J x 8760 x 3600 x
/// utilisation x usd_per_million / 1e6.
double token_usd_per_year(double mw, double tokens_per_joule, double host_overhead,
                          double utilisation, double usd_per_million_tokens);
/// Months to earn back `capex_usd` at `margin_usd_per_year`: capex / (margin / 12); none when
/// the margin is not positive.
std::optional<double> payback_months(double capex_usd, double margin_usd_per_year);

/// One transformer phase at its most efficient batch, as the site lens serves it.
struct SiteTokens {
  std::string model, phase, variant;
  int64_t batch = 0;
  double tokens_per_joule = 0;
  bool assumed = false;
  std::optional<double> usd_per_million_tokens;
};

/// What the site lens needs of a valued device (report/valuation.hpp fills it).
struct SiteDevice {
  std::string name;
  bool cpu = false;
  unsigned cores = 0;
  double hour_usd = 0;     ///< GPU-hour, or core-hour x cores
  std::string hour_basis;  ///< where hour_usd comes from
  std::optional<double> sha_watts, hashes_per_joule;
  bool sha_assumed = false;
  std::optional<double> gemm_watts;  ///< the best GEMM run's: the device's draw while rented
  bool gemm_assumed = false;
  std::vector<SiteTokens> tokens;
};

enum class SiteUse { asic, device_mining, device_rental, tokens, colocation };
/// "asic", "device_mining", ...: as report-data.json spells it.
const char* site_use_name(SiteUse use);

struct SiteRow {
  SiteUse use = SiteUse::asic;
  std::string name;    ///< "mining with Antminer S23 Hyd", "renting this device by the hour"
  std::string energy;  ///< whose watts size it: measured, ASSUMED, maker spec, or none
  std::optional<double> units;                      ///< ASICs or devices in the site
  double revenue = 0, energy_cost = 0, margin = 0;  ///< USD per year
  bool energy_passed_through = false;               ///< colocation: the tenant pays the power
  std::optional<double> payback_months;
  std::string how;  ///< the arithmetic, with the numbers
};

/// A reference price of a megawatt-year, and how it was worked out.
struct SiteReference {
  std::string name, use, how;
  double usd_per_mw_year = 0;
  bool deal = true;  ///< a signed deal, not a figure derived from the market here
};

inline constexpr std::array<double, 3> site_factors = {0.5, 1.0, 2.0};

struct SiteLens {
  double mw = 1;
  std::vector<SiteRow> rows;
  std::vector<SiteReference> references;
  std::vector<std::string> notes;           ///< rows left out, and why
  std::optional<size_t> best_asic, rental;  ///< indices into rows
  double usd_per_hash = 0;
  /// Renting margin minus mining margin with the best ASIC, per year, for the hashprice times
  /// site_factors[row] and the hour price times site_factors[column].
  std::optional<std::array<std::array<double, 3>, 3>> sensitivity;
  std::string sentence;  ///< the summary's one sentence for this device
};

/// The site lens of `device` over `mw` MW under `market`. Never throws for a missing input:
/// rows that need it are left out and `notes` says why.
SiteLens build_site_lens(const SiteDevice& device, const results::Market& market, double mw);

}  // namespace hashflop::report
