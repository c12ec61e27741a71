#include "harness/harness.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/error.hpp"
#include "common/measure.hpp"
#include "common/periodic_thread.hpp"
#include "common/units.hpp"

namespace hashflop::harness {
namespace {

using Clock = std::chrono::steady_clock;

// Rewrites the live line a few times a second while a window runs on this thread's caller.
class Ticker {
 public:
  Ticker(Progress& progress, energy::EnergyMeter& meter, std::string label, double seconds)
      : thread_(std::chrono::milliseconds(250), [&progress, &meter, label = std::move(label),
                                                 seconds, start = Clock::now()] {
          const double left = seconds - std::chrono::duration<double>(Clock::now() - start).count();
          const auto w = meter.latest_watts();
          progress.status(fmt::format("{}  {}  {:.1f} s left", label,
                                      w ? fmt::format("{:.1f} W", *w) : std::string("-- W"),
                                      std::max(left, 0.0)));
          return true;
        }) {}

 private:
  PeriodicThread thread_;
};

std::optional<results::PolledSpread> spread_of(const energy::Spread& s) {
  if (std::isnan(s.median)) return std::nullopt;
  return results::PolledSpread{s.min, s.median, s.max};
}

std::optional<double> measured(double v) {
  return std::isnan(v) ? std::nullopt : std::optional(v);
}

// `windows` are the measured windows' [start, end] in seconds from the first window's start,
// the same origin as the trace's `t` (the meter polls once at each window's start), so a plot
// can shade them; they exist even when the meter polls nothing (assumed or no energy).
results::Telemetry telemetry_of(const std::vector<energy::Sample>& trace,
                                std::vector<results::WindowSpan> windows) {
  const auto t = energy::summarize(trace);
  results::Telemetry out;
  // At most ~200 points: enough to see ramps and throttling without bloating the file.
  const size_t step = std::max<size_t>(1, trace.size() / 200);
  for (size_t i = 0; i < trace.size(); i += step) {
    const auto& s = trace[i];
    out.trace.push_back({s.t - trace.front().t, measured(s.watts), measured(s.sm_mhz),
                         measured(s.mem_mhz), measured(s.temp_c), s.reasons});
  }
  out.samples = t.samples;
  out.watts = spread_of(t.watts);
  out.sm_mhz = spread_of(t.sm_mhz);
  out.mem_mhz = spread_of(t.mem_mhz);
  out.temp_c = spread_of(t.temp_c);
  out.clock_event_reasons = t.reasons;
  out.windows = std::move(windows);
  return out;
}

}  // namespace

HarnessOptions HarnessOptions::quick() {
  HarnessOptions o;
  o.duration = 1;
  o.repetitions = 3;
  o.cooldown = 1;
  o.idle_seconds = 1;
  o.warmup_window = 0.25;
  o.warmup_max_windows = 4;
  return o;
}

bool Harness::sleep_for(double seconds) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < until) {
    if (stop_) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return !stop_;
}

std::optional<double> Harness::measure_idle() {
  // An assumed constant has no idle power to subtract, and "none" has no joules.
  if (!meter_.gives_joules() || meter_.assumed()) return std::nullopt;
  progress_.log(fmt::format("idle baseline: {:.1f} s", options_.idle_seconds));
  const auto mark = meter_.begin();
  {
    Ticker tick(progress_, meter_, "idle baseline", options_.idle_seconds);
    sleep_for(options_.idle_seconds);
  }
  energy::WindowEnergy w;
  try {
    w = meter_.end(mark);
  } catch (const Error& e) {
    progress_.log(fmt::format("idle baseline: no energy: {}", e.what()));
    return std::nullopt;
  }
  if (!w.joules || w.seconds <= 0) return std::nullopt;
  const double watts = *w.joules / w.seconds;
  progress_.log(fmt::format("idle baseline: {:.2f} W", watts));
  return watts;
}

void Harness::cooldown() {
  if (options_.cooldown <= 0 || stop_) return;
  Ticker tick(progress_, meter_, "cool-down", options_.cooldown);
  sleep_for(options_.cooldown);
}

results::Run Harness::measure(workload::Workload& workload, const std::string& device_id,
                              std::optional<double> idle_watts) {
  results::Run run;
  run.workload = workload.workload();
  run.variant = workload.variant();
  run.device = device_id;
  run.work_unit = workload.work_unit();
  if (!verify_before(workload, run)) return run;
  warm_up(workload, run);
  const Windows windows = measure_windows(workload, run);
  verify_after(workload, run);
  summarize(run, windows, idle_watts);
  return run;
}

// The check on known data before anything is measured; false when the run stops here.
bool Harness::verify_before(workload::Workload& w, results::Run& run) {
  const std::string name = fmt::format("{} {}", run.workload, run.variant);
  progress_.log(fmt::format("{}: verifying", name));
  const Check check = w.verify();
  run.verification = check.verdict;
  run.verification_detail = check.detail;
  run.params = w.params();
  run.selection = w.selection();
  if (is_failure(check.verdict) || check.verdict == Verdict::not_supported) {
    progress_.log(fmt::format("{}: verification {}: {}; not measured", name,
                              to_string(check.verdict), check.detail));
    run.energy_unavailable_reason =
        fmt::format("not measured: verification {}", to_string(check.verdict));
    return false;
  }
  return true;
}

// Clocks, caches and the power governor settle; bounded so that a noisy device still ends.
void Harness::warm_up(workload::Workload& w, results::Run& run) {
  const std::string name = fmt::format("{} {}", run.workload, run.variant);
  measure::Series warm({.warmup = options_.warmup_max_windows,
                        .stable_within = options_.warmup_tolerance,
                        .trials = 0});
  while (warm.warming_up() && !stop_) {
    const measure::Stopwatch clock;
    const double work = w.run(std::chrono::duration<double>(options_.warmup_window), stop_);
    warm.add({work, clock.seconds()});
    progress_.status(fmt::format("{}: warm-up {} {}", name, warm.warmup().size(),
                                 format_rate(warm.warmup().back().rate(), run.work_unit)));
  }
  if (!warm.stable() && !stop_)
    run.warnings.push_back(
        fmt::format("rate not stable after {} warm-up windows", warm.warmup().size()));
  if (options_.duration < 1) {
    run.warnings.push_back(
        fmt::format("window of {:.2f} s is under 1 s: energy counters update about "
                    "every 100 ms, so each window's energy is coarse",
                    options_.duration));
  }
}

Harness::Windows Harness::measure_windows(workload::Workload& w, results::Run& run) {
  const std::string name = fmt::format("{} {}", run.workload, run.variant);
  Windows out;
  std::optional<Clock::time_point> origin;
  measure::Series windows({.warmup = 0, .stable_within = 0, .trials = options_.repetitions});
  // Each dropped window may be replaced once: a device that throttles all the time still ends.
  // Not in a fleet: its ranks meet at a barrier before every window, so one rank's extra window
  // would wait for the others for ever; a fleet rank drops the window and measures fewer.
  const int attempts = options_.discard_throttled && !options_.before_window
                           ? 2 * options_.repetitions
                           : options_.repetitions;
  std::vector<std::string> discarded_reasons;
  for (int rep = 0; !windows.done() && rep < attempts && !stop_; ++rep) {
    const std::string label = fmt::format(
        "{}: {}/{}{}", name, rep + 1, options_.repetitions,
        run.samples.empty() ? std::string()
                            : "  " + format_rate(run.samples.back().rate, run.work_unit));
    if (options_.before_window) options_.before_window();
    if (stop_) break;
    const auto mark = meter_.begin();
    if (!origin) origin = mark.t;
    double work = 0;
    {
      Ticker tick(progress_, meter_, label, options_.duration);
      work = w.run(std::chrono::duration<double>(options_.duration), stop_);
    }
    energy::WindowEnergy e;
    try {
      e = meter_.end(mark);
    } catch (const Error& failure) {
      // The meter failed (an unreadable or implausible counter): this window keeps its rate
      // and has no energy, and the run's energy is unavailable with the reason.
      e.seconds = std::chrono::duration<double>(Clock::now() - mark.t).count();
      if (out.meter_error.empty()) out.meter_error = failure.what();
      run.warnings.push_back(fmt::format("window {}: no energy: {}", rep + 1, failure.what()));
    }
    if (stop_) break;  // a cut-short window is not comparable with the others: drop it
    const measure::Trial trial{work, e.seconds};
    results::Sample s{trial.work, trial.seconds, trial.rate(),
                      e.joules,   std::nullopt,  std::nullopt};
    if (e.joules) {
      s.avg_watts = *e.joules / e.seconds;
      if (*e.joules > 0) s.per_joule = work / *e.joules;
    }
    describe_window(e, s);
    if (s.throttled && options_.discard_throttled) {
      ++run.throttled_windows_discarded;
      for (const auto& r : s.clock_event_reasons) {
        if (std::find(discarded_reasons.begin(), discarded_reasons.end(), r) ==
            discarded_reasons.end())
          discarded_reasons.push_back(r);
      }
      progress_.log(fmt::format("{}: window {} throttled ({}): discarded", name, rep + 1,
                                fmt::join(s.clock_event_reasons, ", ")));
      continue;
    }
    windows.add(trial);
    out.integral_joules = out.integral_joules && e.integral_joules
                              ? std::optional<double>(*out.integral_joules + *e.integral_joules)
                              : std::nullopt;
    out.trace.insert(out.trace.end(), e.trace.begin(), e.trace.end());
    const double start = std::chrono::duration<double>(mark.t - *origin).count();
    out.spans.push_back({start, start + e.seconds});
    run.samples.push_back(s);
    if (s.short_window && results::short_windows(run) == 1) {
      progress_.log(fmt::format("{}: warning: window {} of {:.2f} s is under {:.0f} s: {}", name,
                                rep + 1, s.seconds, meter_.shortest_trusted_window(),
                                meter_.short_window_reason()));
    }
    if (options_.after_window) options_.after_window(run);
    progress_.log(fmt::format("{}: window {}/{} {} in {:.2f} s{}{}{}", name, rep + 1,
                              options_.repetitions, format_rate(s.rate, run.work_unit), s.seconds,
                              s.avg_watts ? fmt::format(", {:.2f} W", *s.avg_watts) : "",
                              s.sm_mhz ? fmt::format(", SM {:.0f} MHz", *s.sm_mhz) : "",
                              s.counter_to_integral
                                  ? fmt::format(", counter/integral {:.3f}", *s.counter_to_integral)
                                  : ""));
  }
  run.incomplete = stop_ || static_cast<int>(run.samples.size()) < options_.repetitions;
  if (run.throttled_windows_discarded > 0) {
    run.warnings.push_back(fmt::format(
        "{} window{} throttled for power or heat ({}) discarded (--discard-throttled){}",
        run.throttled_windows_discarded, run.throttled_windows_discarded == 1 ? "" : "s",
        fmt::join(discarded_reasons, ", "),
        run.incomplete && !stop_
            ? fmt::format("; {} of {} windows kept", run.samples.size(), options_.repetitions)
            : ""));
  }
  if (const size_t throttled = results::throttled_windows(run); throttled > 0) {
    run.warnings.push_back(fmt::format(
        "{} of {} windows throttled for power or heat ({}): the clock was capped, not set by "
        "the work; --discard-throttled drops such windows",
        throttled, run.samples.size(), fmt::join(results::throttle_reasons(run), ", ")));
  }
  if (const size_t short_ones = results::short_windows(run); short_ones > 0) {
    const auto warning = fmt::format(
        "{} of {} windows under {:.0f} s, marked short_window: {}", short_ones, run.samples.size(),
        meter_.shortest_trusted_window(), meter_.short_window_reason());
    run.warnings.push_back(warning);
  }
  return out;
}

// What the meter saw of one window beyond its joules: the mean SM clock, the counter against
// the polled power, and whether the window is too short for the meter to trust.
void Harness::describe_window(const energy::WindowEnergy& e, results::Sample& s) const {
  s.sm_mhz = e.telemetry.sm_mhz_mean;
  if (meter_.cross_checks_counter() && e.joules && e.integral_joules && *e.integral_joules > 0) {
    s.integral_joules = e.integral_joules;
    s.counter_to_integral = *e.joules / *e.integral_joules;
  }
  s.short_window = e.joules && !meter_.assumed() && e.seconds < meter_.shortest_trusted_window();
  s.clock_event_reasons = e.telemetry.reasons;
  s.throttled = e.telemetry.throttled;
}

// The check before the windows ran on its own data; this one looks at what was measured.
void Harness::verify_after(workload::Workload& w, results::Run& run) {
  if (run.samples.empty() || stop_) return;
  const auto after = w.verify_measured();
  if (!after) return;
  run.verification_detail += "; measured windows: " + after->detail;
  if (is_failure(after->verdict)) {
    run.verification = after->verdict;
    progress_.log(fmt::format("{} {}: the last measured result is wrong: {}", run.workload,
                              run.variant, after->detail));
  }
}

void Harness::summarize(results::Run& run, const Windows& windows,
                        std::optional<double> idle_watts) {
  results::summarize_samples(run, std::string(energy::to_string(meter_.method())),
                             meter_.assumed());
  run.telemetry = telemetry_of(windows.trace, windows.spans);
  if (!run.energy) {
    const std::string why_none = meter_.unavailable_reason();
    run.energy_unavailable_reason = !why_none.empty() ? why_none
                                    : !windows.meter_error.empty()
                                        ? "the meter failed: " + windows.meter_error
                                    : run.samples.empty() ? "no window was measured"
                                                          : "the meter reported no energy";
    return;
  }
  results::Energy& e = *run.energy;
  if (const auto period = meter_.counter_update_seconds()) e.counter_update_ms = *period * 1e3;
  e.idle_watts = idle_watts;
  if (idle_watts) e.net_joules = e.joules - *idle_watts * run.seconds;
  if (meter_.cross_checks_counter() && windows.integral_joules && *windows.integral_joules > 0) {
    e.integral_joules = windows.integral_joules;
    e.disagreement_pct = (e.joules - *windows.integral_joules) / *windows.integral_joules * 100;
  }
}

}  // namespace hashflop::harness
