#include "report/fleet_section.hpp"

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::report {

void add_fleet_section(Document& doc, const results::Result& r, const std::string& label) {
  if (!r.fleet) return;
  const auto& fleet = *r.fleet;
  auto& s = doc.add(fmt::format("Fleet: {}", label));
  s.paragraph(fmt::format(
      "{} ranks ({} launcher). Totals add every device's rate over windows that started "
      "together; devices sharing one energy meter (CPU ranks on one package) count its energy "
      "once. Outliers: more than 10% below the median of per-device work per joule (or rate "
      "when energy was not measured).",
      fleet.ranks.size(), r.harness.launcher.value_or("?")));
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : fleet.entries) {
    const bool pj = f.outliers_by_per_joule;
    const auto& spread = pj ? f.per_device_per_joule : f.per_device_rate;
    auto fmt_v = [&](double v) {
      return pj ? format_per_joule(v, f.work_unit) : format_rate(v, f.work_unit);
    };
    std::string outliers;
    for (const auto& o : f.outliers) {
      outliers += fmt::format("{}{} ({:.0f}% below)", outliers.empty() ? "" : ", ", o.device,
                              o.below_median_pct);
    }
    rows.push_back({std::string(to_string(f.workload)), f.variant, f.params.text("dtype", "-"),
                    std::to_string(f.device_count), format_rate(f.total_rate, f.work_unit),
                    f.total_watts ? fmt::format("{:.1f}", *f.total_watts) : "-",
                    f.per_joule ? format_per_joule(*f.per_joule, f.work_unit) : "-",
                    spread
                        ? fmt::format("{}: {} [{} .. {}]", pj ? "work/J" : "rate",
                                      fmt_v(spread->median), fmt_v(spread->min), fmt_v(spread->max))
                        : "-",
                    outliers.empty() ? "none" : outliers});
  }
  s.table({"workload", "variant", "dtype", "devices", "total rate", "total W", "fleet work/J",
           "per device median [min .. max]", "outliers"},
          rows);
  std::vector<std::vector<std::string>> ranks;
  for (const auto& k : fleet.ranks) {
    ranks.push_back({std::to_string(k.rank), k.host.empty() ? "-" : k.host, k.device.value_or("-"),
                     std::string(results::to_string(k.status)), k.error});
  }
  s.table({"rank", "host", "device", "status", "error"}, ranks);
  if (r.incomplete) s.paragraph("This fleet run is incomplete: see the ranks above.", true);
}

}  // namespace hashflop::report
