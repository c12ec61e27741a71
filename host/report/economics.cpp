#include "report/economics.hpp"

#include <cstddef>

namespace hashflop::report {

double usd_per_hash(const Chain& c) {
  return (c.subsidy_btc + c.fees_btc) * c.btc_price_usd / (c.difficulty * two_pow_32);
}

double hashprice_usd_per_ph_day(const Chain& c) {
  return usd_per_hash(c) * 1e15 * 86400;
}

double usd_per_hash_from_hashprice(double usd_per_ph_day) {
  return usd_per_ph_day / (1e15 * 86400);
}

double mining_usd_per_kwh(double hashes_per_joule, const Chain& c) {
  return hashes_per_joule * joules_per_kwh * usd_per_hash(c);
}

double mining_usd_per_kwh(double hashes_per_joule, double usd_per_hash) {
  return hashes_per_joule * joules_per_kwh * usd_per_hash;
}

std::array<std::array<double, 3>, 3> mining_sensitivity(double hashes_per_joule, double per_hash) {
  std::array<std::array<double, 3>, 3> grid{};
  for (std::size_t p = 0; p < price_factors.size(); ++p) {
    for (std::size_t d = 0; d < difficulty_factors.size(); ++d)
      grid[p][d] =
          mining_usd_per_kwh(hashes_per_joule, per_hash * price_factors[p] / difficulty_factors[d]);
  }
  return grid;
}

double joules_per_terahash(double hashes_per_joule) {
  return 1e12 / hashes_per_joule;
}

double electricity_usd_per_device_kwh(double facility_usd_per_kwh, double pue) {
  // Every device kWh draws PUE kWh at the facility meter (cooling, conversion losses).
  return facility_usd_per_kwh * pue;
}

double break_even_usd_per_kwh(double mining_usd_per_device_kwh, double pue) {
  return mining_usd_per_device_kwh / pue;
}

double ai_usd_per_kwh(double usd_per_hour, double avg_watts) {
  return usd_per_hour / (avg_watts / 1000.0);
}

double usd_per_pflop(double usd_per_hour, double flops_per_second) {
  return usd_per_hour / (flops_per_second * 3600.0 / 1e15);
}

std::array<std::array<double, 3>, 3> mining_sensitivity(double hashes_per_joule,
                                                        const Chain& chain) {
  std::array<std::array<double, 3>, 3> grid{};
  for (std::size_t p = 0; p < price_factors.size(); ++p) {
    for (std::size_t d = 0; d < difficulty_factors.size(); ++d) {
      Chain c = chain;
      c.btc_price_usd *= price_factors[p];
      c.difficulty *= difficulty_factors[d];
      grid[p][d] = mining_usd_per_kwh(hashes_per_joule, c);
    }
  }
  return grid;
}

double token_usd_per_kwh(double tokens_per_joule, double usd_per_token) {
  return tokens_per_joule * 3.6e6 * usd_per_token;
}

}  // namespace hashflop::report
