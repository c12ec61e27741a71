// One result file read as a device's worth: its efficiency figures, and the money they make
// under a market, with flags wherever energy was assumed or missing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/economics.hpp"
#include "report/market.hpp"
#include "report/site_lens.hpp"
#include "report/token_figures.hpp"
#include "results/result.hpp"

namespace hashflop::report {

/// How the energy behind a figure was obtained.
enum class EnergyStatus { measured, assumed, missing };
const char* to_string(EnergyStatus s);

struct GemmFigure {
  std::string dtype, variant, impl;
  double flops_per_second = 0;
  std::optional<double> flops_per_joule, avg_watts;
  EnergyStatus energy = EnergyStatus::missing;
};

/// tiled FLOP/J over vendor FLOP/J for one dtype (the hand-written kernel against the library).
struct TiledVendorRatio {
  std::string dtype, tiled, vendor;  ///< dtype and the two variants compared
  double ratio = 0;
};

/// One transformer phase and batch seen through the token lens: what its tokens earn per kWh.
struct TokenLens {
  TokenFigure figure;
  EnergyStatus energy = EnergyStatus::missing;
  std::optional<double> usd_per_million_tokens;  ///< the market's price for the model
  std::optional<double> usd_per_kwh;             ///< tokens/J x 3.6e6 x price per token
  std::optional<double> value_multiple;          ///< usd_per_kwh / mining revenue per kWh
  /// Tokens per joule at which a kWh of tokens earns what a kWh of mining earns.
  std::optional<double> mining_tokens_per_joule;
};

struct Valuation {
  std::string file, label, device_id, device_name, hostname, started;
  bool cpu = false;
  unsigned cores = 0;  ///< CPU cores the CPU-hour price is multiplied by

  // Mining
  std::optional<results::Run> sha;
  EnergyStatus sha_energy = EnergyStatus::missing;
  std::string sha_energy_note;  ///< method, or why there is no energy
  std::optional<double> hashes_per_joule, j_per_th;

  // GEMM
  std::vector<GemmFigure> gemm;
  std::optional<size_t> best_gemm;  ///< index into gemm: highest FLOP/J with energy
  std::vector<TiledVendorRatio> tiled_vs_vendor;

  // Money, per kWh of device energy; absent when the energy behind it is missing.
  double hour_usd = 0;  ///< GPU-hour, or CPU core-hour x cores
  std::string hour_basis;
  std::optional<double> mining_usd_per_kwh, electricity_usd_per_kwh, mining_margin_usd_per_kwh,
      break_even_usd_per_kwh, ai_usd_per_kwh, usd_per_pflop, value_multiple;
  std::optional<std::array<std::array<double, 3>, 3>> sensitivity;

  /// What an hour of AI rental earns over what an hour of mining earns on this device: hour_usd
  /// over sha256d rate x 3600 x USD per hash. Needs no energy figure.
  std::optional<double> hour_multiple;
  double btc_price_usd = 0;
  // The token lens: transformer runs priced per token (absent without transformer runs).
  std::vector<TokenLens> tokens;
  std::optional<size_t> best_tokens;         ///< index into tokens: highest USD per kWh
  std::optional<double> token_memory_ratio;  ///< best decode bytes/s over the memcopy ceiling

  std::string mining_basis;  ///< "$96,500 BTC" or "a hashprice of $39.53 per PH/s per day"
  SiteLens site;             ///< what a site of these devices earns in a year

  std::vector<std::string> flags;  ///< plain sentences: assumed or missing energy, incomplete runs
  bool any_assumed() const;
};

Chain chain_of(const Market& market);
/// Values `result` (loaded from `file`) under `market`. Never throws for missing energy: the
/// figures that need it are left empty and a flag says why.
/// One sentence a person can act on: "On this AMD EPYC (cpu), an hour of AI rental earns 1.2
/// million × what an hour of mining earns at $96,500 BTC." plus, where energy is missing, how to
/// get it.
std::string verdict_sentence(const Valuation& v);

/// `site_mw`: the site lens's megawatts of IT power.
Valuation value_result(const results::Result& result, const std::string& file, const Market& market,
                       double site_mw = 1);

}  // namespace hashflop::report
