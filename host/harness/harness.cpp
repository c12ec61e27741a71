#include "harness/harness.hpp"

#include <cmath>

#include <fmt/format.h>

#include "common/periodic_thread.hpp"

namespace hashflop::harness {
namespace {

using Clock = std::chrono::steady_clock;

std::string scaled(double v, const char* const* prefixes, const std::string& unit) {
  int i = 0;
  while (std::abs(v) >= 1000 && prefixes[i + 1] != nullptr) {
    v /= 1000;
    ++i;
  }
  return fmt::format("{:.3g} {}{}", v, prefixes[i], unit);
}

constexpr const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E", nullptr};

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

nlohmann::json spread_json(const energy::Spread& s) {
  if (std::isnan(s.median)) return nullptr;
  return {{"min", s.min}, {"median", s.median}, {"max", s.max}};
}

// `windows` are the measured windows' [start, end] in seconds from the first window's start,
// the same origin as the trace's `t` (the meter polls once at each window's start), so a plot
// can shade them; they exist even when the meter polls nothing (assumed or no energy).
nlohmann::json telemetry_json(const std::vector<energy::Sample>& trace,
                              const nlohmann::json& windows) {
  const auto t = energy::summarize(trace);
  nlohmann::json points = nlohmann::json::array();
  // At most ~200 points: enough to see ramps and throttling without bloating the file.
  const size_t step = std::max<size_t>(1, trace.size() / 200);
  for (size_t i = 0; i < trace.size(); i += step) {
    const auto& s = trace[i];
    auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
    points.push_back({{"t", s.t - trace.front().t},
                      {"watts", num(s.watts)},
                      {"sm_mhz", num(s.sm_mhz)},
                      {"mem_mhz", num(s.mem_mhz)},
                      {"temp_c", num(s.temp_c)},
                      {"reasons", s.reasons}});
  }
  return {{"samples", t.samples},
          {"watts", spread_json(t.watts)},
          {"sm_mhz", spread_json(t.sm_mhz)},
          {"mem_mhz", spread_json(t.mem_mhz)},
          {"temp_c", spread_json(t.temp_c)},
          {"clock_event_reasons", t.reasons},
          {"trace", points},
          {"windows", windows}};
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

std::string format_rate(double rate, const std::string& unit) {
  return scaled(rate, prefixes, unit == "hash" ? "H/s" : "FLOP/s");
}

std::string format_per_joule(double per_joule, const std::string& unit) {
  return scaled(per_joule, prefixes, unit == "hash" ? "H/J" : "FLOP/J");
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
  if (!meter_.unavailable_reason().empty() || meter_.method() == "assumed") return std::nullopt;
  progress_.log(fmt::format("idle baseline: {:.1f} s", options_.idle_seconds));
  const auto mark = meter_.begin();
  {
    Ticker tick(progress_, meter_, "idle baseline", options_.idle_seconds);
    sleep_for(options_.idle_seconds);
  }
  const auto w = meter_.end(mark);
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

results::Run Harness::measure(Workload& workload, const std::string& device_id,
                              std::optional<double> idle_watts) {
  results::Run run;
  run.workload = workload.workload();
  run.variant = workload.variant();
  run.device = device_id;
  run.work_unit = workload.work_unit();
  const std::string name = fmt::format("{} {}", run.workload, run.variant);

  progress_.log(fmt::format("{}: verifying", name));
  const auto verdict = workload.verify();
  run.verification_status = verdict.status;
  run.verification_detail = verdict.detail;
  run.params = workload.params();
  if (verdict.status == "failed" || verdict.status == "not_supported") {
    progress_.log(
        fmt::format("{}: verification {}: {}; not measured", name, verdict.status, verdict.detail));
    run.energy_unavailable_reason = "not measured: verification " + verdict.status;
    return run;
  }

  // Warm-up: clocks, caches and the power governor settle; bounded so a noisy device still ends.
  std::vector<double> warm;
  for (int i = 0; i < options_.warmup_max_windows && !stop_; ++i) {
    const auto t0 = Clock::now();
    const double work = workload.run(std::chrono::duration<double>(options_.warmup_window), stop_);
    warm.push_back(work / std::chrono::duration<double>(Clock::now() - t0).count());
    const size_t n = warm.size();
    progress_.status(
        fmt::format("{}: warm-up {} {}", name, n, format_rate(warm.back(), run.work_unit)));
    if (n >= 2 && std::abs(warm[n - 1] - warm[n - 2]) <= options_.warmup_tolerance * warm[n - 2])
      break;
  }
  const bool stable = warm.size() >= 2 && std::abs(warm.back() - warm[warm.size() - 2]) <=
                                              options_.warmup_tolerance * warm[warm.size() - 2];
  if (!stable && !stop_)
    run.warnings.push_back(fmt::format("rate not stable after {} warm-up windows", warm.size()));
  if (options_.duration < 1) {
    run.warnings.push_back(
        fmt::format("window of {:.2f} s is under 1 s: energy counters update about "
                    "every 100 ms, so each window's energy is coarse",
                    options_.duration));
  }

  std::vector<energy::Sample> trace;
  nlohmann::json windows = nlohmann::json::array();
  std::optional<Clock::time_point> origin;
  std::optional<double> integral = 0.0;
  const std::string why_none = meter_.unavailable_reason();
  for (int rep = 0; rep < options_.repetitions && !stop_; ++rep) {
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
      work = workload.run(std::chrono::duration<double>(options_.duration), stop_);
    }
    const auto w = meter_.end(mark);
    if (stop_) break;  // a cut-short window is not comparable with the others: drop it
    results::Sample s{work, w.seconds, work / w.seconds, w.joules, std::nullopt, std::nullopt};
    if (w.joules) {
      s.avg_watts = *w.joules / w.seconds;
      s.per_joule = *w.joules > 0 ? std::optional<double>(work / *w.joules) : std::nullopt;
    }
    integral = (integral && w.integral_joules)
                   ? std::optional<double>(*integral + *w.integral_joules)
                   : std::nullopt;
    trace.insert(trace.end(), w.trace.begin(), w.trace.end());
    const double start = std::chrono::duration<double>(mark.t - *origin).count();
    windows.push_back({{"start", start}, {"end", start + w.seconds}});
    run.samples.push_back(s);
    progress_.log(
        fmt::format("{}: window {}/{} {} in {:.2f} s{}", name, rep + 1, options_.repetitions,
                    format_rate(s.rate, run.work_unit), s.seconds,
                    s.avg_watts ? fmt::format(", {:.2f} W", *s.avg_watts) : std::string()));
  }
  run.incomplete = stop_ || static_cast<int>(run.samples.size()) < options_.repetitions;
  if (!run.samples.empty() && !stop_) {
    // The check before the windows ran on its own data; this one looks at what was measured.
    if (const auto after = workload.verify_measured()) {
      run.verification_detail += "; measured windows: " + after->detail;
      if (after->status == "failed") {
        run.verification_status = "failed";
        progress_.log(
            fmt::format("{}: the last measured result is wrong: {}", name, after->detail));
      }
    }
  }

  std::vector<double> rates, per_joule;
  double joules = 0;
  bool all_energy = !run.samples.empty();
  for (const auto& s : run.samples) {
    run.work += s.work;
    run.seconds += s.seconds;
    rates.push_back(s.rate);
    if (s.joules)
      joules += *s.joules;
    else
      all_energy = false;
    if (s.per_joule) per_joule.push_back(*s.per_joule);
  }
  run.rate = run.seconds > 0 ? run.work / run.seconds : 0;
  run.stats = results::compute_stats(rates);
  run.telemetry = telemetry_json(trace, windows);
  if (all_energy && joules > 0) {
    results::Energy e;
    e.method = meter_.method();
    e.assumed = e.method == "assumed";
    e.joules = joules;
    e.avg_watts = joules / run.seconds;
    e.idle_watts = idle_watts;
    if (idle_watts) e.net_joules = joules - *idle_watts * run.seconds;
    if (integral && *integral > 0 && e.method == "nvml-energy-counter") {
      e.integral_joules = integral;
      e.disagreement_pct = (joules - *integral) / *integral * 100;
    }
    run.energy = e;
    run.per_joule = run.work / joules;
    run.per_joule_stats = results::compute_stats(per_joule);
  } else {
    run.energy_unavailable_reason = !why_none.empty()     ? why_none
                                    : run.samples.empty() ? "no window was measured"
                                                          : "the meter reported no energy";
  }
  return run;
}

}  // namespace hashflop::harness
