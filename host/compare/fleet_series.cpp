#include "compare/fleet_series.hpp"

#include <fmt/format.h>

namespace hashflop::compare {

void add_fleet_series(const results::Result& r, Dataset& d) {
  if (!r.fleet.is_array()) return;
  for (const auto& f : r.fleet) {
    const std::string unit = f.value("work_unit", "");
    const auto params = f.value("params", nlohmann::json::object());
    const auto key = fmt::format("fleet|{}|{}|{}", f.value("workload", ""), f.value("variant", ""),
                                 params.dump());
    if (f["window_total_rates"].empty()) {
      d.skipped.push_back(
          fmt::format("fleet {}/{}: no windows", f.value("workload", ""), f.value("variant", "")));
      continue;
    }
    auto& s = d.series.emplace_back();
    s.key = key;
    // The device count is in the label, not the key: a fleet that lost a device still pairs,
    // and the change shows as a slower total.
    s.label = fmt::format(
        "fleet {}/{}{} ({} devices)", f.value("workload", ""), f.value("variant", ""),
        params.contains("dtype") ? fmt::format("/{}", params["dtype"].get<std::string>()) : "",
        f.value("device_count", 0));
    s.unit = unit + "/s";
    s.per_joule_unit = unit + "/J";
    for (const auto& v : f["window_total_rates"]) s.rate.push_back(v.get<double>());
    if (!f["per_joule"].is_null()) s.per_joule = std::vector<double>{f["per_joule"].get<double>()};
  }
}

}  // namespace hashflop::compare
