#include "report/price_verdict.hpp"

#include <exception>

#include <fmt/format.h>

#include "report/market.hpp"
#include "report/valuation.hpp"

namespace hashflop::report {

std::string price_verdict(const results::Result& result) {
  try {
    const auto market = load_market(default_market_path());
    const auto v = value_result(result, "", market);
    return fmt::format("{}\n(prices: {}; `hashflop report` shows the figures behind it)\n",
                       verdict_sentence(v), market.name);
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace hashflop::report
