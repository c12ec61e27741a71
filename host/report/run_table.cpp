#include "report/run_table.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/units.hpp"

namespace hashflop::report {

void print_run_table(std::FILE* to, const results::Result& r) {
  fmt::print(to, "{:<11} {:<19} {:<5} {:>14} {:>9} {:>10} {:>15} {:>9}  {}\n", "workload",
             "variant", "dtype", "rate", "avg W", "joules", "work/J", "J/TH", "verification");
  for (const auto& run : r.runs) {
    const std::string dtype = run.params.value("dtype", "");
    const bool e = run.energy.has_value();
    const std::string mark = e && run.energy->assumed ? "*" : "";
    // Stopped (Ctrl-C) before its first window: nothing was measured, so no rate, not "0 H/s".
    const bool unmeasured = run.samples.empty();
    fmt::print(to, "{:<11} {:<19} {:<5} {:>14} {:>9} {:>10} {:>15} {:>9}  {}{}\n", run.workload,
               run.variant, dtype, unmeasured ? "-" : format_rate(run.rate, run.work_unit),
               e ? fmt::format("{:.2f}{}", run.energy->avg_watts, mark) : "-",
               e ? fmt::format("{:.2f}{}", run.energy->joules, mark) : "-",
               run.per_joule ? format_per_joule(*run.per_joule, run.work_unit) + mark : "-",
               run.per_joule && run.workload == "sha256d"
                   ? format_number(1e12 / *run.per_joule) + mark
                   : "-",
               to_string(run.verification),
               unmeasured && run.incomplete ? " (stopped before measuring)"
               : run.incomplete             ? " (incomplete)"
                                            : "");
  }
  if (!r.runs.empty() && !r.runs.front().energy) {
    fmt::print(to, "energy not measured: {}\n", r.runs.front().energy_unavailable_reason);
  }
  if (const auto h = results::headline(r)) {
    fmt::print(to, "headline ({}{}): {} vs {} ({} {}): {} FLOP per hash\n",
               h->per_joule ? "per joule" : "per second, energy not measured",
               h->assumed ? ", ASSUMED watts" : "",
               h->per_joule ? format_per_joule(h->hashes, "hash") : format_rate(h->hashes, "hash"),
               h->per_joule ? format_per_joule(h->flops, "flop") : format_rate(h->flops, "flop"),
               h->gemm_variant, h->gemm_dtype, format_number(h->flops_per_hash.value_or(0.0)));
  }
  if (std::any_of(r.runs.begin(), r.runs.end(),
                  [](const auto& x) { return x.energy && x.energy->assumed; })) {
    fmt::print(to, "* assumed: watts given with --assume-watts, not measured\n");
  }
}

}  // namespace hashflop::report
