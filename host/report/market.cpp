#include "report/market.hpp"

#include "common/data_files.hpp"
#include "common/error.hpp"
#include "common/units.hpp"
#include "report/economics.hpp"

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

namespace hashflop::report {
namespace fs = std::filesystem;

fs::path default_market_path() {
  const auto file = data_file("market/2026-03.json");
  if (!file) {
    throw UsageError(
        "no market file: hashflop's data directory (share/hashflop beside the binary, or "
        "$HASHFLOP_DATA_DIR) is missing; give one with --market");
  }
  return *file;
}

double usd_per_hash_of(const Market& m) {
  if (const auto hp = m.find("hashprice_usd_per_ph_day")) return usd_per_hash_from_hashprice(*hp);
  return usd_per_hash(Chain{m.at("block_subsidy_btc"), m.at("fees_per_block_btc"),
                            m.at("difficulty"), m.at("btc_price_usd")});
}

double hashprice_of(const Market& m) {
  return usd_per_hash_of(m) * 1e15 * 86400;
}

std::string mining_basis(const Market& m) {
  if (m.quotes_hashprice())
    return fmt::format("a hashprice of {} per PH/s per day", format_usd(hashprice_of(m)));
  return fmt::format("${} BTC", format_number(m.at("btc_price_usd")));
}

namespace {

// Days since 1970-01-01 of "YYYY-MM" or "YYYY-MM-DD..." (the first of the month without a day).
std::optional<long> day_number(const std::string& text) {
  if (text.size() < 7 || text[4] != '-') return std::nullopt;
  const auto digits = [&](size_t from, size_t n) -> std::optional<int> {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  const auto y = digits(0, 4), mo = digits(5, 2);
  const auto d = text.size() >= 10 && text[7] == '-' ? digits(8, 2) : std::optional<int>(1);
  if (!y || !mo || !d) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{*y},
                                        std::chrono::month{static_cast<unsigned>(*mo)},
                                        std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<long>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

}  // namespace

std::optional<double> market_age_months(const Market& m, const std::string& when) {
  const auto from = day_number(m.date), to = day_number(when);
  if (!from || !to) return std::nullopt;
  return static_cast<double>(*to - *from) / 30.44;  // 365.25 / 12 days a month
}

}  // namespace hashflop::report
