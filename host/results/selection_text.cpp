#include "results/selection_text.hpp"

#include <algorithm>

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
  for (const auto& c : fastest_per_group(s).candidates) {
    rates += rates.empty() ? "" : ", ";
    rates += c.rate ? fmt::format("{} {}", c.name, format_rate(*c.rate, "hash"))
                    : fmt::format("{} {}", c.name, to_string(c.verification));
  }
  return rates.empty() ? how : fmt::format("{}; calibration rates: {}", how, rates);
}

Selection fastest_per_group(const Selection& s) {
  const auto group = [](const std::string& name) { return name.substr(0, name.rfind('/')); };
  auto out = s;
  out.candidates.clear();
  for (const auto& c : s.candidates) {
    auto it = std::find_if(out.candidates.begin(), out.candidates.end(),
                           [&](const CandidateRate& b) { return group(b.name) == group(c.name); });
    if (it == out.candidates.end()) {
      out.candidates.push_back(c);
    } else if (c.rate && (!it->rate || *c.rate > *it->rate)) {
      *it = c;
    }
  }
  return out;
}

}  // namespace hashflop::results
