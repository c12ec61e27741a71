// One rank of a fleet: opens its device, agrees on the plan with the others, runs its device's
// Session with a barrier before each window, and packs what it got (or its error) for the
// root. A failed rank keeps calling the barriers, so the others never wait on it.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "common/progress.hpp"
#include "fleet/comm.hpp"
#include "fleet/fleet.hpp"
#include "fleet/spool.hpp"

namespace hashflop::fleet {

struct RankJob {
  const FleetOptions& options;
  std::string device;  ///< as asked: auto, cpu, cuda:local, cuda:N
  Clock::time_point start;
  Progress& progress;
  /// The flag the measurement polls: set on Ctrl-C, and by a rank that gives up on a hung one.
  std::atomic<bool>& stop;
};

struct RankOutcome {
  std::string payload;       ///< a hashflop/result/v1 document of this device plus a `rank` record
  std::string results_path;  ///< the file the root writes (--out, or the agreed default)
  std::unique_ptr<Spool> spool;  ///< removed once the root has published
  /// The run's timeout in seconds from `start` the ranks agreed on; nullopt when they never
  /// agreed (a rank hung before measuring).
  std::optional<double> timeout_s;
};

/// Start-up (device opening) is bounded by --rank-timeout or this many seconds.
inline constexpr double startup_timeout_s = 300;

RankOutcome measure_rank(const RankJob& job, Comm& comm);

/// results::default_results_dir()/fleet-<UTC time>.json, for a job whose ranks agreed on
/// `epoch_seconds`.
std::string default_fleet_path(double epoch_seconds);

}  // namespace hashflop::fleet
