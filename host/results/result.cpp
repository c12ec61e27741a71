#include "results/result.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "common/measure.hpp"
#include "common/median.hpp"

namespace hashflop::results {

double t_critical_95(int df) {
  // Two-sided 95% quantiles of Student's t; beyond the table the normal value is close enough.
  static constexpr double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                     2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                     2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                     2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return std::nan("");
  if (df <= 30) return table[df - 1];
  if (df <= 60) return 2.000 + (2.042 - 2.000) * (60.0 - df) / 30.0;
  return 1.960 + 0.04 * 60.0 / df;
}

Stats compute_stats(const std::vector<double>& values) {
  Stats s;
  s.n = static_cast<int>(values.size());
  if (values.empty()) return s;
  const size_t n = values.size();
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  s.min = *lo;
  s.max = *hi;
  s.median = median(values);
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(n);
  double ss = 0;
  for (double x : values) ss += (x - s.mean) * (x - s.mean);
  s.stddev = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0;
  const double half =
      n > 1 ? t_critical_95(s.n - 1) * s.stddev / std::sqrt(static_cast<double>(n)) : 0;
  s.ci95_low = s.mean - half;
  s.ci95_high = s.mean + half;
  s.cv = s.mean != 0 ? s.stddev / s.mean : 0;
  return s;
}

namespace {

// The best run of `workload` by work per joule (energy basis) or by rate.
const Run* best_run(const Result& result, WorkloadKind workload, bool energy) {
  const Run* best = nullptr;
  for (const auto& r : result.runs) {
    if (r.workload != workload || r.samples.empty()) continue;
    if (energy && !r.per_joule) continue;
    const double v = energy ? *r.per_joule : r.rate;
    if (best == nullptr || v > (energy ? *best->per_joule : best->rate)) best = &r;
  }
  return best;
}

}  // namespace

std::string_view to_string(RankStatus status) {
  switch (status) {
    case RankStatus::ok:
      return "ok";
    case RankStatus::failed:
      return "failed";
    case RankStatus::timeout:
      return "timeout";
  }
  return "failed";
}

Result begin_result() {
  Result r;
  r.tool_version = HASHFLOP_VERSION;
  r.git_commit = git_commit();
  r.started = utc_now_iso8601();
  r.host = host_facts();
  return r;
}

std::optional<Headline> headline(const Result& result) {
  for (const bool energy : {true, false}) {
    const Run* hash = best_run(result, WorkloadKind::sha256d, energy);
    const Run* gemm = best_run(result, WorkloadKind::gemm, energy);
    if (hash == nullptr || gemm == nullptr) continue;
    Headline h;
    h.per_joule = energy;
    h.assumed = energy && hash->energy && hash->energy->assumed;
    h.sha256d_variant = hash->variant;
    h.gemm_variant = gemm->variant;
    h.gemm_dtype = gemm->params.text("dtype");
    h.hashes = energy ? *hash->per_joule : hash->rate;
    h.flops = energy ? *gemm->per_joule : gemm->rate;
    if (h.hashes > 0) h.flops_per_hash = h.flops / h.hashes;
    return h;
  }
  return std::nullopt;
}

void summarize_samples(Run& run, const std::string& energy_method, bool assumed) {
  std::vector<measure::Trial> trials;
  std::vector<double> rates, per_joule;
  double joules = 0;
  bool all_energy = !run.samples.empty();
  for (const auto& s : run.samples) {
    trials.push_back({s.work, s.seconds});
    rates.push_back(s.rate);
    if (s.joules) {
      joules += *s.joules;
    } else {
      all_energy = false;
    }
    if (s.per_joule) per_joule.push_back(*s.per_joule);
  }
  const auto total = measure::summarize(trials);
  run.work = total.work;
  run.seconds = total.seconds;
  run.rate = total.rate;
  run.stats = compute_stats(rates);
  run.energy.reset();
  run.per_joule.reset();
  run.per_joule_stats.reset();
  if (!all_energy || joules <= 0) return;  // the caller says why
  Energy e;
  e.method = energy_method;
  e.assumed = assumed;
  e.joules = joules;
  e.avg_watts = joules / run.seconds;
  run.energy = e;
  run.per_joule = run.work / joules;
  run.per_joule_stats = compute_stats(per_joule);
}

std::optional<WindowSpread> counter_to_integral_spread(const Run& run) {
  std::vector<double> ratios;
  for (const auto& s : run.samples) {
    if (s.counter_to_integral) ratios.push_back(*s.counter_to_integral);
  }
  if (ratios.empty()) return std::nullopt;
  const auto [lo, hi] = std::minmax_element(ratios.begin(), ratios.end());
  return WindowSpread{ratios.size(), *lo, median(ratios), *hi};
}

std::string DeviceRecord::property(std::string_view key) const {
  for (const auto& [k, v] : properties) {
    if (k == key) return v;
  }
  return {};
}

bool HarnessFacts::empty() const {
  return !duration_s && !cooldown_s && !idle_s && !warmup_window_s && !repetitions &&
         !warmup_max_windows && !energy_method && !energy_source && !launcher && !ranks;
}

size_t throttled_windows(const Run& run) {
  return static_cast<size_t>(std::count_if(run.samples.begin(), run.samples.end(),
                                           [](const Sample& s) { return s.throttled; }));
}

std::vector<std::string> throttle_reasons(const Run& run) {
  std::vector<std::string> out;
  for (const auto& s : run.samples) {
    if (!s.throttled) continue;
    for (const auto& r : s.clock_event_reasons) {
      if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
    }
  }
  return out;
}

size_t short_windows(const Run& run) {
  return static_cast<size_t>(std::count_if(run.samples.begin(), run.samples.end(),
                                           [](const Sample& s) { return s.short_window; }));
}

std::string default_file_name(const Result& r, const std::string& device) {
  std::string stamp = r.started;
  std::erase_if(stamp, [](char c) { return c == '-' || c == ':'; });
  std::string dev = device;
  std::replace(dev.begin(), dev.end(), ':', '_');
  return fmt::format("{}-{}-{}.json", r.host.hostname.value_or("host"), dev, stamp);
}

std::string default_path(const Result& r, const std::string& device) {
  return (default_results_dir() / default_file_name(r, device)).string();
}

}  // namespace hashflop::results
