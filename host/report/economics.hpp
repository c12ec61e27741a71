// The money arithmetic of the value report, as pure functions of measured efficiency and market
// inputs, so each can be checked against a hand-worked example.
#pragma once

#include <array>

namespace hashflop::report {

inline constexpr double joules_per_kwh = 3.6e6;
inline constexpr double two_pow_32 = 4294967296.0;  ///< expected hashes per unit of difficulty

/// What the network pays miners.
struct Chain {
  double subsidy_btc = 0, fees_btc = 0;  ///< per block
  double difficulty = 0;
  double btc_price_usd = 0;
};

/// Expected USD per hash: (subsidy + fees) x price / (difficulty x 2^32).
double usd_per_hash(const Chain& chain);
/// Network hashprice, USD per PH/s per day: usd_per_hash x 1e15 x 86400.
double hashprice_usd_per_ph_day(const Chain& chain);
/// USD per hash from a hashprice quote: USD per PH/s per day / (1e15 x 86400).
double usd_per_hash_from_hashprice(double usd_per_ph_day);
/// Mining revenue per kWh of device energy: hashes/J x 3.6e6 x usd_per_hash.
double mining_usd_per_kwh(double hashes_per_joule, const Chain& chain);
double mining_usd_per_kwh(double hashes_per_joule, double usd_per_hash);
/// J/TH, the ASIC unit: 1e12 / (hashes/J).
double joules_per_terahash(double hashes_per_joule);

/// Electricity paid per kWh of device energy: the facility price x PUE.
double electricity_usd_per_device_kwh(double facility_usd_per_kwh, double pue);
/// Facility electricity price at which mining revenue equals its electricity cost.
double break_even_usd_per_kwh(double mining_usd_per_device_kwh, double pue);
/// AI revenue per kWh of device energy: hourly rental price / average kW while computing.
double ai_usd_per_kwh(double usd_per_hour, double avg_watts);
/// Rental price of one PFLOP at the measured rate: usd_per_hour / (FLOP/s x 3600 / 1e15).
double usd_per_pflop(double usd_per_hour, double flops_per_second);

/// Token revenue per kWh of device energy: tokens/J x 3.6e6 J/kWh x USD per token.
double token_usd_per_kwh(double tokens_per_joule, double usd_per_token);

inline constexpr std::array<double, 3> price_factors = {0.5, 1.0, 2.0};
inline constexpr std::array<double, 3> difficulty_factors = {0.8, 1.0, 1.2};
/// Mining USD per device kWh for each BTC price factor (rows) and difficulty factor (columns).
std::array<std::array<double, 3>, 3> mining_sensitivity(double hashes_per_joule,
                                                        const Chain& chain);
/// The same from what a hash earns: x price factor / difficulty factor (a hash earns in
/// proportion to the BTC price and in inverse proportion to the difficulty).
std::array<std::array<double, 3>, 3> mining_sensitivity(double hashes_per_joule,
                                                        double usd_per_hash);

}  // namespace hashflop::report
