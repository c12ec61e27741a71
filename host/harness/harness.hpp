// One measurement method for every workload and device: verify, warm up until the rate is
// stable, then R windows of D seconds, each bracketed by the energy meter; an idle baseline
// before and a cool-down between workloads.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/progress.hpp"
#include "energy/energy_meter.hpp"
#include "results/result.hpp"
#include "workload/workload.hpp"

namespace hashflop::harness {

struct HarnessOptions {
  double duration = 10;  ///< seconds per measured window
  int repetitions = 5;
  double cooldown = 5;      ///< seconds idle between workloads
  double idle_seconds = 5;  ///< idle-power baseline length
  double warmup_window = 1;
  int warmup_max_windows = 8;      ///< bounded: gives up on stability after this many
  double warmup_tolerance = 0.03;  ///< consecutive warm-up rates within this are stable
  /// Drop windows in which the clock was capped for power or heat (NVML clock-event reasons),
  /// measuring up to as many again to replace them (not in a fleet, whose ranks must measure
  /// the same number of windows); the run says how many were dropped.
  bool discard_throttled = false;
  /// Called just before each measured window starts: the fleet modes line their devices' windows
  /// up here (a barrier). Empty: nothing.
  std::function<void()> before_window;
  /// Called after each measured window with the run so far (its samples end with this one):
  /// a fleet rank spools it, so a rank that dies later loses nothing it measured.
  std::function<void(const results::Run&)> after_window;

  /// The defaults scaled for --quick: ~1 s windows, 3 repetitions, short warm-up and idle.
  static HarnessOptions quick();
};

class Harness {
 public:
  Harness(energy::EnergyMeter& meter, HarnessOptions options, Progress& progress,
          const std::atomic<bool>& stop)
      : meter_(meter), options_(std::move(options)), progress_(progress), stop_(stop) {}

  /// Idle device power over options.idle_seconds, or nullopt without a measured energy source.
  std::optional<double> measure_idle();
  /// Verifies, warms up and measures `workload`. A failed verification returns a run with no
  /// samples. A stop request ends it early with the run marked incomplete.
  results::Run measure(workload::Workload& workload, const std::string& device_id,
                       std::optional<double> idle_watts);
  /// Sleeps options.cooldown seconds (or until stopped) so the next workload starts cool.
  void cooldown();

  const HarnessOptions& options() const { return options_; }

 private:
  /// What the measured windows left behind for the run's summary.
  struct Windows {
    std::vector<energy::Sample> trace;
    std::vector<results::WindowSpan> spans;       ///< each window's {start, end}
    std::optional<double> integral_joules = 0.0;  ///< polled power, summed over windows
    std::string meter_error;                      ///< the first window the meter failed
  };

  bool verify_before(workload::Workload& w, results::Run& run);
  void warm_up(workload::Workload& w, results::Run& run);
  Windows measure_windows(workload::Workload& w, results::Run& run);
  void describe_window(const energy::WindowEnergy& e, results::Sample& s) const;
  void verify_after(workload::Workload& w, results::Run& run);
  void summarize(results::Run& run, const Windows& windows, std::optional<double> idle_watts);
  bool sleep_for(double seconds);

  energy::EnergyMeter& meter_;
  HarnessOptions options_;
  Progress& progress_;
  const std::atomic<bool>& stop_;
};

}  // namespace hashflop::harness
