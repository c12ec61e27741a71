#include "compare/fleet_series.hpp"

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::compare {

void add_fleet_series(const results::Result& r, Dataset& d) {
  if (!r.fleet) return;
  for (const auto& f : r.fleet->entries) {
    const auto key =
        fmt::format("fleet|{}|{}|{}", f.workload, f.variant, results::to_json_text(f.params));
    if (f.window_total_rates.empty()) {
      d.skipped.push_back(fmt::format("fleet {}/{}: no windows", f.workload, f.variant));
      continue;
    }
    auto& s = d.series.emplace_back();
    s.key = key;
    // The device count is in the label, not the key: a fleet that lost a device still pairs,
    // and the change shows as a slower total.
    const std::string dtype = f.params.text("dtype");
    s.label = fmt::format("fleet {}/{}{} ({} devices)", f.workload, f.variant,
                          dtype.empty() ? "" : "/" + dtype, f.device_count);
    s.unit = rate_unit(f.work_unit);
    s.per_joule_unit = per_joule_unit(f.work_unit);
    s.rate = f.window_total_rates;
    if (f.per_joule) s.per_joule = std::vector<double>{*f.per_joule};
  }
}

}  // namespace hashflop::compare
