#include "report/report_summary.hpp"

#include <optional>

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::report {
namespace {

std::string per_kwh(const std::optional<double>& usd) {
  return usd ? format_usd(*usd) + "/kWh" : std::string("not computed");
}

}  // namespace

std::string format_summary(const ReportOutput& output) {
  std::string out = fmt::format("network hashprice (self-check): {} per PH/s per day\n",
                                format_usd(output.hashprice_usd_per_ph_day));
  for (const auto& v : output.valuations) {
    out += fmt::format("{}{}: mining {}, AI {}, AI/mining {}\n", v.label,
                       v.any_assumed() ? " [energy ASSUMED]" : "", per_kwh(v.mining_usd_per_kwh),
                       per_kwh(v.ai_usd_per_kwh),
                       v.value_multiple ? format_multiple(*v.value_multiple) : "not computed");
    for (const auto& f : v.flags) out += fmt::format("  flag: {}\n", f);
  }
  if (!output.plot_note.empty()) out += output.plot_note + "\n";
  for (const auto& p : output.written) out += fmt::format("wrote {}\n", p.string());
  return out;
}

}  // namespace hashflop::report
