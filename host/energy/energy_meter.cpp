#include "energy/energy_meter.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/median.hpp"

namespace hashflop::energy {
namespace {

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

Spread spread_of(std::vector<double> v) {
  std::erase_if(v, [](double x) { return std::isnan(x); });
  if (v.empty()) return {};
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return {*lo, median(v), *hi};
}

// Trapezoids between consecutive polls that read the quantity, over the time they span; one
// such poll alone (or polls at one instant) gives its plain mean.
std::optional<double> time_weighted_mean(std::span<const Sample> samples, double Sample::*field) {
  double area = 0, span = 0, sum = 0;
  size_t n = 0;
  const Sample* prev = nullptr;
  for (const auto& s : samples) {
    const double v = s.*field;
    if (std::isnan(v)) continue;
    sum += v;
    ++n;
    if (prev != nullptr && s.t > prev->t) {
      area += (s.t - prev->t) * (v + prev->*field) / 2;
      span += s.t - prev->t;
    }
    prev = &s;
  }
  if (n == 0) return std::nullopt;
  return span > 0 ? area / span : sum / static_cast<double>(n);
}

class NoneMeter final : public EnergyMeter {
 public:
  explicit NoneMeter(std::string reason) : reason_(std::move(reason)) {}
  EnergyMethod method() const override { return EnergyMethod::none; }
  std::string unavailable_reason() const override { return reason_; }
  std::string source() const override { return "none"; }
  Mark begin() override { return {Clock::now(), 0, 0, 0}; }
  WindowEnergy end(const Mark& mark) override {
    WindowEnergy w;
    w.seconds = seconds_between(mark.t, Clock::now());
    return w;
  }

 private:
  std::string reason_;
};

class AssumedMeter final : public EnergyMeter {
 public:
  AssumedMeter(double watts, std::string why) : watts_(watts), why_(std::move(why)) {}
  EnergyMethod method() const override { return EnergyMethod::assumed; }
  std::string source() const override {
    return fmt::format("assumed constant {} W (given with --assume-watts; {})", watts_, why_);
  }
  Mark begin() override { return {Clock::now(), 0, 0, 0}; }
  WindowEnergy end(const Mark& mark) override {
    WindowEnergy w;
    w.seconds = seconds_between(mark.t, Clock::now());
    w.joules = watts_ * w.seconds;
    return w;
  }
  std::optional<double> latest_watts() const override { return watts_; }

 private:
  double watts_;
  std::string why_;
};

}  // namespace

std::string_view to_string(EnergyMethod method) {
  switch (method) {
    case EnergyMethod::rapl:
      return "rapl";
    case EnergyMethod::nvml_energy_counter:
      return "nvml-energy-counter";
    case EnergyMethod::nvml_power_integral:
      return "nvml-power-integral";
    case EnergyMethod::hwmon_power_integral:
      return "hwmon-power-integral";
    case EnergyMethod::assumed:
      return "assumed";
    case EnergyMethod::none:
      return "none";
  }
  return "none";
}

void PolledMeter::poll_locked() {
  Reading r;
  try {
    r = read();
  } catch (const std::exception& e) {
    if (error_.empty()) error_ = e.what();
    return;
  }
  Sample s = r.sample;
  // The reading's own time: window edges use it, so a window's joules and seconds span the
  // same two readings whatever happens between reading and returning.
  last_read_ = Clock::now();
  s.t = seconds_between(t0_, last_read_);
  const Sample* prev = samples_.empty() ? nullptr : &samples_.back();
  if (r.power_watts) {
    s.watts = *r.power_watts;
    // Trapezoids between polls: the fallback energy when there is no counter, else the check.
    if (prev != nullptr && !std::isnan(prev->watts))
      integral_ += (s.t - prev->t) * (s.watts + prev->watts) / 2;
  }
  if (r.counter_joules) {
    if (!r.power_watts && prev != nullptr && last_counter_ && s.t - prev->t > 1e-3) {
      s.watts = (*r.counter_joules - *last_counter_) / (s.t - prev->t);
    } else if (!r.power_watts && prev != nullptr) {
      s.watts = prev->watts;  // too close to the last poll for a meaningful rate
    }
    counter_ = *r.counter_joules;
    last_counter_ = r.counter_joules;
  }
  samples_.push_back(s);
}

void PolledMeter::start_polling(std::chrono::milliseconds period) {
  {
    std::lock_guard lock(mutex_);
    poll_locked();
    if (!error_.empty()) throw DeviceError(error_);
  }
  thread_ = std::thread([this, period] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      if (wake_.wait_for(lock, period, [this] { return stopping_; })) break;
      poll_locked();
    }
  });
}

void PolledMeter::stop_polling() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Mark PolledMeter::begin() {
  std::lock_guard lock(mutex_);
  poll_locked();
  error_.clear();
  return {last_read_, counter_, integral_, samples_.size() - 1};
}

WindowEnergy PolledMeter::end(const Mark& mark) {
  std::lock_guard lock(mutex_);
  poll_locked();
  if (!error_.empty()) throw DeviceError(error_);
  WindowEnergy w;
  w.seconds = seconds_between(mark.t, last_read_);
  const bool has_counter = last_counter_.has_value();
  const bool has_power =
      std::any_of(samples_.begin() + static_cast<std::ptrdiff_t>(mark.sample), samples_.end(),
                  [](const Sample& s) { return !std::isnan(s.watts); });
  if (has_counter) w.joules = counter_ - mark.counter_joules;
  if (has_power && integral_ != mark.integral_joules)
    w.integral_joules = integral_ - mark.integral_joules;
  if (!has_counter && w.integral_joules) w.joules = w.integral_joules;
  const std::span<const Sample> window(samples_.data() + mark.sample,
                                       samples_.size() - mark.sample);
  w.telemetry = summarize(window);
  w.trace.assign(window.begin(), window.end());
  return w;
}

std::optional<double> PolledMeter::latest_watts() const {
  std::lock_guard lock(mutex_);
  for (auto it = samples_.rbegin(); it != samples_.rend(); ++it) {
    if (!std::isnan(it->watts)) return it->watts;
  }
  return std::nullopt;
}

std::unique_ptr<EnergyMeter> make_none_meter(std::string reason) {
  return std::make_unique<NoneMeter>(std::move(reason));
}

std::unique_ptr<EnergyMeter> make_assumed_meter(double watts, std::string measured_reason) {
  if (!(watts > 0) || !std::isfinite(watts)) {
    throw UsageError(fmt::format("--assume-watts {}: must be a positive number of watts", watts));
  }
  return std::make_unique<AssumedMeter>(watts, std::move(measured_reason));
}

Telemetry summarize(std::span<const Sample> samples) {
  Telemetry t;
  t.samples = samples.size();
  std::vector<double> w, sm, mem, temp;
  uint64_t reasons = 0;
  for (const auto& s : samples) {
    w.push_back(s.watts);
    sm.push_back(s.sm_mhz);
    mem.push_back(s.mem_mhz);
    temp.push_back(s.temp_c);
    reasons |= s.reasons;
  }
  t.watts = spread_of(w);
  t.sm_mhz = spread_of(sm);
  t.sm_mhz_mean = time_weighted_mean(samples, &Sample::sm_mhz);
  t.mem_mhz = spread_of(mem);
  t.temp_c = spread_of(temp);
  t.reasons = clock_event_reason_names(reasons);
  t.throttled = throttles(reasons);
  return t;
}

bool throttles(uint64_t reasons) {
  // sw_power_cap, hw_slowdown, sw_thermal_slowdown, hw_thermal_slowdown, hw_power_brake_slowdown.
  constexpr uint64_t power_or_heat = 0x4 | 0x8 | 0x20 | 0x40 | 0x80;
  return (reasons & power_or_heat) != 0;
}

double counter_at_end(const CounterStep& step, double period) {
  if (!(period > 0)) return step.before_joules;
  const double covered = std::clamp((period - step.seconds_after_end) / period, 0.0, 1.0);
  return step.before_joules + (step.after_joules - step.before_joules) * covered;
}

std::vector<std::string> clock_event_reason_names(uint64_t mask) {
  // Bit values from NVIDIA's documented nvmlClocksEventReasons.
  static constexpr std::pair<uint64_t, const char*> names[] = {{0x1, "gpu_idle"},
                                                               {0x2, "applications_clocks_setting"},
                                                               {0x4, "sw_power_cap"},
                                                               {0x8, "hw_slowdown"},
                                                               {0x10, "sync_boost"},
                                                               {0x20, "sw_thermal_slowdown"},
                                                               {0x40, "hw_thermal_slowdown"},
                                                               {0x80, "hw_power_brake_slowdown"},
                                                               {0x100, "display_clock_setting"}};
  std::vector<std::string> out;
  uint64_t known = 0;
  for (const auto& [bit, name] : names) {
    known |= bit;
    if ((mask & bit) != 0) out.emplace_back(name);
  }
  if ((mask & ~known) != 0) out.push_back(fmt::format("other(0x{:x})", mask & ~known));
  return out;
}

}  // namespace hashflop::energy
