#include "report/report_summary.hpp"

#include <optional>

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::report {
namespace {

std::string per_kwh(const std::optional<double>& usd) {
  return usd ? format_usd(*usd) + "/kWh" : std::string("not computed");
}

// The site lens as a console table: one line per use, the figures per year.
std::string site_table(const Valuation& v) {
  const SiteLens& lens = v.site;
  std::string out =
      fmt::format("site lens, {:g} MW of IT power for a year: {}\n", lens.mw, v.label);
  out += fmt::format("  {:<54} {:<15} {:>12} {:>16} {:>16} {:>16}\n", "use", "energy", "units",
                     "revenue", "energy cost", "margin");
  for (const auto& r : lens.rows) {
    out +=
        fmt::format("  {:<54} {:<15} {:>12} {:>16} {:>16} {:>16}\n", r.name, r.energy,
                    r.units ? format_number(*r.units) : "-", format_usd_amount(r.revenue),
                    r.energy_passed_through ? "passed through" : format_usd_amount(r.energy_cost),
                    format_usd_amount(r.margin));
  }
  for (const auto& ref : lens.references)
    out += fmt::format("  reference: {}: {}\n", ref.name, ref.how);
  for (const auto& n : lens.notes) out += fmt::format("  note: {}\n", n);
  return out;
}

}  // namespace

std::string format_summary(const ReportOutput& output) {
  std::string out = fmt::format("{}; network hashprice: {} per PH/s per day\n", output.market_line,
                                format_usd(output.hashprice_usd_per_ph_day));
  if (!output.market_warning.empty()) out += fmt::format("warning: {}\n", output.market_warning);
  for (const auto& v : output.valuations) {
    out += fmt::format("{}{}: mining {}, AI {}, AI/mining {}\n", v.label,
                       v.any_assumed() ? " [energy ASSUMED]" : "", per_kwh(v.mining_usd_per_kwh),
                       per_kwh(v.ai_usd_per_kwh),
                       v.value_multiple ? format_multiple(*v.value_multiple) : "not computed");
    for (const auto& f : v.flags) out += fmt::format("  flag: {}\n", f);
  }
  for (const auto& v : output.valuations) out += site_table(v);
  for (const auto& v : output.valuations) out += v.site.sentence + "\n";
  if (!output.plot_note.empty()) out += output.plot_note + "\n";
  for (const auto& p : output.written) out += fmt::format("wrote {}\n", p.string());
  return out;
}

}  // namespace hashflop::report
