#include "report/run_table.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/units.hpp"

namespace hashflop::report {

namespace {

// One line per run whose windows carry what a GPU meter adds (NVML): the spread of the windows'
// mean SM clocks, the energy counter against the polled power integral, and the windows too
// short to trust. Nothing for a run without them.
void print_window_notes(std::FILE* to, const results::Run& run) {
  std::vector<std::string> notes;
  std::vector<double> clocks;
  for (const auto& s : run.samples) {
    if (s.sm_mhz) clocks.push_back(*s.sm_mhz);
  }
  if (!clocks.empty()) {
    const auto [lo, hi] = std::minmax_element(clocks.begin(), clocks.end());
    const auto low = fmt::format("{:.0f}", *lo), high = fmt::format("{:.0f}", *hi);
    notes.push_back(low == high ? fmt::format("mean SM clock {} MHz", low)
                                : fmt::format("mean SM clock {} to {} MHz", low, high));
  }
  if (const auto ratio = results::counter_to_integral_spread(run)) {
    notes.push_back(fmt::format(
        "NVML energy counter / polled power integral min {:.3f}, median {:.3f}, max {:.3f}",
        ratio->min, ratio->median, ratio->max));
  }
  if (const size_t n = results::short_windows(run); n > 0) {
    notes.push_back(fmt::format("{} of {} windows too short for the meter (short_window)", n,
                                run.samples.size()));
  }
  if (const size_t n = results::throttled_windows(run); n > 0) {
    notes.push_back(fmt::format("{} of {} windows throttled ({})", n, run.samples.size(),
                                fmt::join(results::throttle_reasons(run), ", ")));
  }
  if (run.throttled_windows_discarded > 0) {
    notes.push_back(fmt::format("{} throttled windows discarded", run.throttled_windows_discarded));
  }
  if (notes.empty()) return;
  const std::string dtype = run.params.text("dtype");
  fmt::print(to, "{} {}{}: {} ({} windows)\n", run.workload, run.variant,
             dtype.empty() ? "" : " " + dtype, fmt::join(notes, "; "), run.samples.size());
}

}  // namespace

void print_run_table(std::FILE* to, const results::Result& r) {
  fmt::print(to, "{:<11} {:<19} {:<5} {:>14} {:>9} {:>10} {:>15} {:>9}  {}\n", "workload",
             "variant", "dtype", "rate", "avg W", "joules", "work/J", "J/TH", "verification");
  for (const auto& run : r.runs) {
    const std::string dtype = run.params.text("dtype");
    const bool e = run.energy.has_value();
    const std::string mark = e && run.energy->assumed ? "*" : "";
    // Stopped (Ctrl-C) before its first window: nothing was measured, so no rate, not "0 H/s".
    const bool unmeasured = run.samples.empty();
    fmt::print(to, "{:<11} {:<19} {:<5} {:>14} {:>9} {:>10} {:>15} {:>9}  {}{}\n", run.workload,
               run.variant, dtype, unmeasured ? "-" : format_rate(run.rate, run.work_unit),
               e ? fmt::format("{:.2f}{}", run.energy->avg_watts, mark) : "-",
               e ? fmt::format("{:.2f}{}", run.energy->joules, mark) : "-",
               run.per_joule ? format_per_joule(*run.per_joule, run.work_unit) + mark : "-",
               run.per_joule && run.workload == WorkloadKind::sha256d
                   ? format_number(1e12 / *run.per_joule) + mark
                   : "-",
               to_string(run.verification),
               unmeasured && run.incomplete ? " (stopped before measuring)"
               : run.incomplete             ? " (incomplete)"
                                            : "");
  }
  for (const auto& run : r.runs) print_window_notes(to, run);
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
