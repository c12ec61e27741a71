#include "fleet/fleet_report.hpp"

#include <fmt/format.h>

#include "harness/harness.hpp"

namespace hashflop::fleet {

void add_fleet_section(report::Document& doc, const results::Result& r, const std::string& label) {
  if (r.fleet.is_null()) return;
  using nlohmann::json;
  auto& s = doc.add(fmt::format("Fleet: {}", label));
  s.paragraph(fmt::format(
      "{} ranks ({} launcher). Totals add every device's rate over windows that started "
      "together; devices sharing one energy meter (CPU ranks on one package) count its energy "
      "once. Outliers: more than 10% below the median of per-device work per joule (or rate "
      "when energy was not measured).",
      r.ranks.is_array() ? r.ranks.size() : 0, r.harness.value("launcher", "?")));
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : r.fleet) {
    const std::string unit = f.value("work_unit", "");
    const bool pj = f.value("outlier_basis", "rate") == "per_joule";
    const auto& spread = pj ? f["per_device_per_joule"] : f["per_device_rate"];
    auto fmt_v = [&](const json& v) {
      return pj ? harness::format_per_joule(v, unit) : harness::format_rate(v, unit);
    };
    std::string outliers;
    for (const auto& o : f["outliers"]) {
      outliers += fmt::format("{}{} ({:.0f}% below)", outliers.empty() ? "" : ", ",
                              o["device"].get<std::string>(), o["below_median_pct"].get<double>());
    }
    rows.push_back(
        {f["workload"].get<std::string>(), f["variant"].get<std::string>(),
         f["params"].value("dtype", "-"), std::to_string(f["device_count"].get<int>()),
         harness::format_rate(f["total_rate"], unit),
         f["total_watts"].is_null() ? "-" : fmt::format("{:.1f}", f["total_watts"].get<double>()),
         f["per_joule"].is_null() ? "-" : harness::format_per_joule(f["per_joule"], unit),
         spread.is_null()
             ? "-"
             : fmt::format("{}: {} [{} .. {}]", pj ? "work/J" : "rate", fmt_v(spread["median"]),
                           fmt_v(spread["min"]), fmt_v(spread["max"])),
         outliers.empty() ? "none" : outliers});
  }
  s.table({"workload", "variant", "dtype", "devices", "total rate", "total W", "fleet work/J",
           "per device median [min .. max]", "outliers"},
          rows);
  std::vector<std::vector<std::string>> ranks;
  for (const auto& k : r.ranks.is_array() ? r.ranks : json::array()) {
    ranks.push_back({std::to_string(k.value("rank", -1)), k.value("host", "-"),
                     k["device"].is_string() ? k["device"].get<std::string>() : "-",
                     k.value("status", "?"), k.value("error", "")});
  }
  s.table({"rank", "host", "device", "status", "error"}, ranks);
  if (r.incomplete) s.paragraph("This fleet run is incomplete: see the ranks above.", true);
}

}  // namespace hashflop::fleet
