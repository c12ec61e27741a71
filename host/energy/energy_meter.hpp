// Energy meters: joules for a window of work, plus the telemetry polled while it ran. Every
// device and workload is measured through this one interface, so the numbers are comparable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace hashflop::energy {

using Clock = std::chrono::steady_clock;
/// A reading the source did not give. Not named `nan`: that would be ambiguous with ::nan from
/// <cmath> wherever a `using namespace` meets a header that pulls it in.
inline constexpr double unmeasured = std::numeric_limits<double>::quiet_NaN();

/// One poll of the source; NaN where the source has no such reading.
struct Sample {
  double t = 0;  ///< seconds since the meter started
  double watts = unmeasured, sm_mhz = unmeasured, mem_mhz = unmeasured, temp_c = unmeasured;
  uint64_t reasons = 0;  ///< NVML clock-event reasons, a bitmask
};

struct Spread {
  double min = unmeasured, median = unmeasured, max = unmeasured;
};

/// What the polled samples of one window looked like.
struct Telemetry {
  size_t samples = 0;
  Spread watts, sm_mhz, mem_mhz, temp_c;
  /// The SM clock averaged over time between the first and last poll that read it (trapezoids,
  /// so the begin()/end() reads off the polling grid weigh only for the time they cover);
  /// nullopt when no poll read a clock.
  std::optional<double> sm_mhz_mean;
  std::vector<std::string> reasons;  ///< clock-event reasons seen at least once
  /// A power or thermal reason (throttles()) was seen: the clocks were held down by the cap or
  /// the heat, not by the work.
  bool throttled = false;
};

struct WindowEnergy {
  double seconds = 0;
  std::optional<double> joules;  ///< nullopt: this meter measures no energy
  /// Polled power integrated over the window, when the source reports power itself (NVML):
  /// the cross-check of the energy counter.
  std::optional<double> integral_joules;
  Telemetry telemetry;
  std::vector<Sample> trace;
};

/// Where a window starts; returned by begin() and handed back to end().
struct Mark {
  Clock::time_point t;
  double counter_joules = 0, integral_joules = 0;
  size_t sample = 0;
};

/// How a meter gets its joules. Results files spell it with to_string().
enum class EnergyMethod {
  rapl,                  ///< CPU package energy counters (powercap)
  nvml_energy_counter,   ///< the GPU's total-energy counter
  nvml_power_integral,   ///< the GPU's polled power, integrated: no counter on this device
  hwmon_power_integral,  ///< a CPU's polled hwmon power (Grace), integrated: an estimate
  assumed,               ///< a constant power the user gave (--assume-watts), not a measurement
  none,                  ///< no joules at all
};
std::string_view to_string(EnergyMethod method);

class EnergyMeter {
 public:
  virtual ~EnergyMeter() = default;
  virtual EnergyMethod method() const = 0;
  /// Non-empty when this meter gives no joules, saying why.
  virtual std::string unavailable_reason() const { return {}; }
  /// Whether end() gives joules at all (measured or assumed).
  bool gives_joules() const { return method() != EnergyMethod::none; }
  /// Whether the joules are a user's assumption rather than a reading of the device.
  bool assumed() const { return method() == EnergyMethod::assumed; }
  /// Whether end() also integrates polled power beside a counter, to cross-check it.
  bool cross_checks_counter() const { return method() == EnergyMethod::nvml_energy_counter; }
  /// Windows shorter than this give joules too coarse to trust (the harness warns and marks
  /// them); 0: any length the meter can time.
  virtual double shortest_trusted_window() const { return 0; }
  /// Why shortest_trusted_window() is what it is, for the warning.
  virtual std::string short_window_reason() const { return {}; }
  /// What is measured, e.g. "RAPL package-0 + package-1", for logs and results.
  virtual std::string source() const = 0;
  virtual Mark begin() = 0;
  /// Throws DeviceError when the source failed during the window.
  virtual WindowEnergy end(const Mark& mark) = 0;
  /// The most recent power reading, for progress lines.
  virtual std::optional<double> latest_watts() const { return std::nullopt; }
  /// The update period observed of an energy counter that advances in steps, when window edges
  /// are aligned to its updates (NVML); nullopt otherwise.
  virtual std::optional<double> counter_update_seconds() const { return std::nullopt; }
};

/// Base of meters that read a source in a background thread (>= 10 Hz): counters are read
/// often enough that at most one wrap happens between reads, and the trace has clocks and
/// temperatures. begin() and end() read the source too, so windows have exact end points.
class PolledMeter : public EnergyMeter {
 public:
  Mark begin() override;
  WindowEnergy end(const Mark& mark) override;
  std::optional<double> latest_watts() const override;

  /// One read of the source (public, so that a plain source type can return it).
  struct Reading {
    std::optional<double> counter_joules;  ///< cumulative, already wrap-corrected
    std::optional<double> power_watts;     ///< power as the source reports it
    Sample sample;                         ///< clocks, temperature, reasons (t and watts set here)
  };

 protected:
  /// Reads the source; called with the meter's lock held, from the poller or begin()/end().
  virtual Reading read() = 0;

  /// Derived constructors call this last and derived destructors call stop_polling() first,
  /// so read() never runs on a half-built or half-destroyed object.
  void start_polling(std::chrono::milliseconds period);
  void stop_polling();

 private:
  void poll_locked();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
  bool stopping_ = false;
  Clock::time_point t0_ = Clock::now();
  Clock::time_point last_read_ = t0_;  // when read() last returned
  std::vector<Sample> samples_;
  double counter_ = 0, integral_ = 0;
  std::optional<double> last_counter_;
  std::string error_;  // first failure of the source, reported by end()
};

/// Throughput only: end() gives no joules, with `reason`.
std::unique_ptr<EnergyMeter> make_none_meter(std::string reason);
/// A user-supplied constant power: joules = watts x seconds, method "assumed".
std::unique_ptr<EnergyMeter> make_assumed_meter(double watts, std::string measured_reason);

Telemetry summarize(std::span<const Sample> samples);
/// Whether an NVML clock-event mask holds a reason that caps the clock for power or heat
/// (sw_power_cap, hw_slowdown, the thermal slowdowns, the power brake).
bool throttles(uint64_t reasons);

/// The first change of a stepping energy counter seen after a window's end.
struct CounterStep {
  double before_joules = 0, after_joules = 0;
  double seconds_after_end = 0;  ///< when the change was seen, after the window's end
};
/// The counter's value at the window's end: the step that straddles the end spans one update
/// `period` back from its change, and is interpolated linearly across it.
double counter_at_end(const CounterStep& step, double period);
/// Names of the NVML clock-event reason bits set in `mask` ("sw_power_cap", ...).
std::vector<std::string> clock_event_reason_names(uint64_t mask);

}  // namespace hashflop::energy
