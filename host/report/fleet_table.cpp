#include "report/fleet_table.hpp"

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::report {
namespace {

std::string spread_cell(const std::optional<results::Spread>& s, const std::string& unit,
                        bool per_joule) {
  if (!s) return "-";
  auto f = [&](double v) { return per_joule ? format_per_joule(v, unit) : format_rate(v, unit); };
  return fmt::format("{} [{} .. {}]", f(s->median), f(s->min), f(s->max));
}

}  // namespace

void print_fleet(std::FILE* to, const results::Result& r) {
  fmt::print(to, "{:<28} {:<8} {:<13} {:<5} {:>14} {:>9} {:>14}  {}\n", "device", "workload",
             "variant", "dtype", "rate", "avg W", "work/J", "verification");
  for (const auto& run : r.runs) {
    const bool e = run.energy.has_value();
    fmt::print(to, "{:<28} {:<8} {:<13} {:<5} {:>14} {:>9} {:>14}  {}{}\n", run.device,
               run.workload, run.variant, run.params.text("dtype"),
               format_rate(run.rate, run.work_unit),
               e ? fmt::format("{:.2f}", run.energy->avg_watts) : "-",
               run.per_joule ? format_per_joule(*run.per_joule, run.work_unit) : "-",
               to_string(run.verification), run.incomplete ? " (incomplete)" : "");
  }
  fmt::print(to, "\nfleet:\n{:<8} {:<13} {:<5} {:>7} {:>14} {:>9} {:>14}  {}\n", "workload",
             "variant", "dtype", "devices", "total rate", "total W", "fleet work/J",
             "per device: median [min .. max]; outliers");
  const auto entries = r.fleet ? r.fleet->entries : std::vector<results::FleetEntry>{};
  for (const auto& f : entries) {
    const bool pj = f.outliers_by_per_joule;
    std::string outliers;
    for (const auto& o : f.outliers)
      outliers += fmt::format("; {} {:.0f}% below", o.device, o.below_median_pct);
    fmt::print(
        to, "{:<8} {:<13} {:<5} {:>7} {:>14} {:>9} {:>14}  {} {}{}{}\n", f.workload, f.variant,
        f.params.text("dtype"), f.device_count, format_rate(f.total_rate, f.work_unit),
        f.total_watts ? fmt::format("{:.2f}", *f.total_watts) : "-",
        f.per_joule ? format_per_joule(*f.per_joule, f.work_unit) : "-", pj ? "work/J" : "rate",
        spread_cell(pj ? f.per_device_per_joule : f.per_device_rate, f.work_unit, pj),
        outliers.empty() ? "; no outliers" : outliers, f.incomplete ? " (incomplete)" : "");
  }
  int ok = 0, n = 0;
  for (const auto& rank : r.fleet ? r.fleet->ranks : std::vector<results::RankRecord>{}) {
    ++n;
    if (rank.status == results::RankStatus::ok) {
      ++ok;
      continue;
    }
    fmt::print(to, "rank {} ({}, {}): {}: {}\n", rank.rank, rank.host.empty() ? "?" : rank.host,
               rank.device_requested.empty() ? "?" : rank.device_requested, to_string(rank.status),
               rank.error);
  }
  fmt::print(to, "{} of {} ranks ok{}\n", ok, n, r.incomplete ? "; results incomplete" : "");
}

}  // namespace hashflop::report
