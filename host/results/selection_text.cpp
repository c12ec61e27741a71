#include "results/selection_text.hpp"

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::results {

std::string describe_selection(const Selection& s) {
  std::string how;
  switch (s.chosen_by) {
    case ChosenBy::measured:
      how = fmt::format("chosen by measurement before the run ({:.2f} s)",
                        s.calibration_seconds.value_or(0));
      break;
    case ChosenBy::wisdom:
      how = fmt::format("chosen by measurement from the wisdom file (calibrated {})",
                        s.calibrated_at);
      break;
    case ChosenBy::forced:
      how = "forced with --variant";
      break;
    case ChosenBy::cpuid:
      how = "by CPUID, not calibrated";
      break;
  }
  std::string rates;
  for (const auto& c : s.candidates) {
    rates += rates.empty() ? "" : ", ";
    rates += c.rate ? fmt::format("{} {}", c.name, format_rate(*c.rate, "hash"))
                    : fmt::format("{} {}", c.name, to_string(c.verification));
  }
  return rates.empty() ? how : fmt::format("{}; calibration rates: {}", how, rates);
}

}  // namespace hashflop::results
