// One device measured end to end: its energy meter, the idle baseline, every workload the plan
// asks for (the device hands them out), and the results document with its incomplete and
// interrupted states. `hashflop run` runs one Session; each fleet rank runs one too.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "common/progress.hpp"
#include "harness/harness.hpp"
#include "results/result.hpp"
#include "workload/workload.hpp"

namespace hashflop::harness {

struct SessionOptions {
  HarnessOptions harness;
  workload::WorkloadPlan plan;
  std::optional<double> assume_watts;  ///< --assume-watts: no meter, this constant power
};

/// How a session ended; the CLI maps it to an exit code.
enum class SessionEnd {
  complete,     ///< every workload measured and verified
  failed,       ///< a verification failed or a workload threw
  interrupted,  ///< the stop flag was set (Ctrl-C, or a fleet giving up on a hung rank)
};

class Session {
 public:
  Session(Backend& backend, SessionOptions options, Progress& progress,
          const std::atomic<bool>& stop);

  /// How the results file names the device (a fleet rank: "rank0@host/cpu"; default: the
  /// device's own id) and where it runs, for its `devices` entry (a fleet rank's affinity).
  void label(std::string device_id, std::optional<results::RankPlacement> placement = {});
  /// Opens the meter and makes the workloads. Returns the number of windows measure() will
  /// call before_window for: workloads x repetitions. Throws what the device throws.
  size_t prepare();
  /// Measures every workload; `after_workload(i, run)` runs after workload i, however it
  /// ended. A workload that throws is recorded as a failed run, and the next one goes on.
  results::Result measure(
      const std::function<void(size_t, const results::Run&)>& after_workload = {});
  /// The result as it stands before the first workload: devices, harness, warnings (what a
  /// fleet rank's spool starts with).
  results::Result header() const;

  SessionEnd end() const { return end_; }
  /// "workload variant: what" for every workload that threw.
  const std::vector<std::string>& errors() const { return errors_; }
  const std::string& device_id() const { return device_id_; }
  const energy::EnergyMeter* meter() const { return meter_.get(); }

 private:
  results::HarnessFacts harness_facts() const;

  Backend& backend_;
  SessionOptions options_;
  Progress& progress_;
  const std::atomic<bool>& stop_;
  std::string device_id_;
  std::optional<results::RankPlacement> placement_;
  std::unique_ptr<energy::EnergyMeter> meter_;
  std::vector<std::unique_ptr<workload::Workload>> work_;
  std::vector<std::string> warnings_;
  std::vector<std::string> errors_;
  SessionEnd end_ = SessionEnd::complete;
};

}  // namespace hashflop::harness
