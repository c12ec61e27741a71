#include "fleet/fleet_table.hpp"

#include <fmt/format.h>

#include "harness/harness.hpp"

namespace hashflop::fleet {
namespace {

using nlohmann::json;

std::string spread_cell(const json& s, const std::string& unit, bool per_joule) {
  if (s.is_null()) return "-";
  auto f = [&](double v) {
    return per_joule ? harness::format_per_joule(v, unit) : harness::format_rate(v, unit);
  };
  return fmt::format("{} [{} .. {}]", f(s["median"]), f(s["min"]), f(s["max"]));
}

}  // namespace

void print_fleet(std::FILE* to, const results::Result& r) {
  fmt::print(to, "{:<28} {:<8} {:<13} {:<5} {:>14} {:>9} {:>14}  {}\n", "device", "workload",
             "variant", "dtype", "rate", "avg W", "work/J", "verification");
  for (const auto& run : r.runs) {
    const bool e = run.energy.has_value();
    fmt::print(to, "{:<28} {:<8} {:<13} {:<5} {:>14} {:>9} {:>14}  {}\n", run.device, run.workload,
               run.variant, run.params.value("dtype", ""),
               harness::format_rate(run.rate, run.work_unit),
               e ? fmt::format("{:.2f}", run.energy->avg_watts) : "-",
               run.per_joule ? harness::format_per_joule(*run.per_joule, run.work_unit) : "-",
               run.verification_status + (run.incomplete ? " (incomplete)" : ""));
  }
  fmt::print(to, "\nfleet:\n{:<8} {:<13} {:<5} {:>7} {:>14} {:>9} {:>14}  {}\n", "workload",
             "variant", "dtype", "devices", "total rate", "total W", "fleet work/J",
             "per device: median [min .. max]; outliers");
  for (const auto& f : r.fleet.is_array() ? r.fleet : json::array()) {
    const std::string unit = f.value("work_unit", "");
    const bool pj = f.value("outlier_basis", "rate") == "per_joule";
    std::string outliers;
    for (const auto& o : f["outliers"]) {
      outliers += fmt::format("; {} {:.0f}% below", o["device"].get<std::string>(),
                              o["below_median_pct"].get<double>());
    }
    fmt::print(
        to, "{:<8} {:<13} {:<5} {:>7} {:>14} {:>9} {:>14}  {} {}{}{}\n",
        f["workload"].get<std::string>(), f["variant"].get<std::string>(),
        f["params"].value("dtype", ""), f["device_count"].get<int>(),
        harness::format_rate(f["total_rate"], unit),
        f["total_watts"].is_null() ? "-" : fmt::format("{:.2f}", f["total_watts"].get<double>()),
        f["per_joule"].is_null() ? "-" : harness::format_per_joule(f["per_joule"], unit),
        pj ? "work/J" : "rate",
        spread_cell(pj ? f["per_device_per_joule"] : f["per_device_rate"], unit, pj),
        outliers.empty() ? "; no outliers" : outliers,
        f.value("incomplete", false) ? " (incomplete)" : "");
  }
  int ok = 0, n = 0;
  for (const auto& rank : r.ranks.is_array() ? r.ranks : json::array()) {
    ++n;
    if (rank.value("status", "") == "ok") {
      ++ok;
      continue;
    }
    fmt::print(to, "rank {} ({}, {}): {}: {}\n", rank.value("rank", -1), rank.value("host", "?"),
               rank.value("device_requested", "?"), rank.value("status", "?"),
               rank.value("error", ""));
  }
  fmt::print(to, "{} of {} ranks ok{}\n", ok, n, r.incomplete ? "; results incomplete" : "");
}

}  // namespace hashflop::fleet
