// The fleet launchers of `hashflop run` and the root's assembly of one results file from every
// rank's payload: runs and devices side by side, the ranks, and the fleet totals.
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "common/periodic_thread.hpp"
#include "fleet/aggregate.hpp"
#include "fleet/fleet.hpp"
#include "fleet/rank_run.hpp"
#include "results/result.hpp"

namespace hashflop::fleet {
namespace {

// After the agreed timeout the root waits this much longer for payloads: ranks that gave up
// on a hung peer at the deadline still send what they measured.
constexpr double grace_s = 10;

struct Assembled {
  FleetOutcome outcome;
  bool any_timeout = false;
};

Assembled assemble(const std::vector<std::optional<std::string>>& payloads,
                   const std::string& launcher, const std::string& started) {
  Assembled a;
  auto& r = a.outcome.result;
  r = results::begin_result();
  r.started = started;
  results::Fleet fleet;
  bool any_failed = false;
  for (size_t i = 0; i < payloads.size(); ++i) {
    results::RankRecord rank;
    rank.rank = static_cast<int>(i);
    if (!payloads[i]) {
      rank.status = results::RankStatus::timeout;
      rank.error = "no result from this rank within --rank-timeout";
      rank.incomplete = true;
      a.any_timeout = true;
      r.incomplete = true;
      fleet.ranks.push_back(rank);
      continue;
    }
    try {
      auto [part, sent] = results::read_rank_payload(*payloads[i]);
      rank = std::move(sent);
      if (r.harness.empty() && !part.harness.empty()) r.harness = part.harness;
      for (auto& d : part.devices) r.devices.push_back(d);
      for (auto& run : part.runs) r.runs.push_back(std::move(run));
      for (const auto& w : part.warnings) r.warnings.push_back(fmt::format("rank {}: {}", i, w));
      r.incomplete = r.incomplete || part.incomplete;
    } catch (const std::exception& e) {
      rank.status = results::RankStatus::failed;
      rank.error = fmt::format("unreadable result: {}", e.what());
      r.incomplete = true;
    }
    any_failed = any_failed || rank.status != results::RankStatus::ok;
    fleet.ranks.push_back(rank);
  }
  r.harness.launcher = launcher;
  r.harness.ranks = static_cast<int>(payloads.size());
  fleet.entries = summarize(r.runs, r.devices);
  r.fleet = std::move(fleet);
  r.finished = results::utc_now_iso8601();
  const bool verification_failed = std::any_of(
      r.runs.begin(), r.runs.end(), [](const auto& run) { return is_failure(run.verification); });
  a.outcome.interrupted = InterruptGuard::stop_requested();
  a.outcome.failed = a.any_timeout || any_failed || verification_failed || r.incomplete;
  return a;
}

// Passes Ctrl-C on to the measurement's stop flag; the flag is also set by a rank that gives
// up on a hung peer, which is not an interrupt.
class InterruptRelay {
 public:
  explicit InterruptRelay(std::atomic<bool>& stop)
      : thread_(std::chrono::milliseconds(20), [&stop] {
          if (InterruptGuard::stop_requested()) stop = true;
          return true;
        }) {}

 private:
  PeriodicThread thread_;
};

int run_mpi(const FleetOptions& o, const Publish& publish, std::atomic<bool>& stop) {
  auto comm = open_mpi_comm(nullptr, nullptr);
  const auto start = Clock::now();
  const std::string started = results::utc_now_iso8601();
  const bool root = comm->place().rank == 0;
  // Only the root narrates; the others speak up when they fail (measure_rank logs that).
  Progress progress(root && Progress::stderr_is_tty(), !root);
  const RankJob job{o, o.device, start, progress, stop};
  auto mine = measure_rank(job, *comm);
  progress.clear();
  const auto deadline =
      after(mine.timeout_s ? after(start, *mine.timeout_s) : Clock::now(), grace_s);
  const auto got = comm->gather(mine.payload, deadline);
  if (!got) {
    fmt::print(stderr, "hashflop: rank {}: the root took no result by the deadline; aborting\n",
               comm->place().rank);
    comm->abort(exit_code::failure);
  }
  if (!root) {
    comm->end(after(Clock::now(), grace_s + 60));
    // The root has published (or given up): this rank's spool is no longer needed.
    if (mine.spool) mine.spool->remove();
    // Its status travels in the root's file; a rank that gave up on another must not finalize.
    if (comm->broken()) comm->abort(exit_code::failure);
    return exit_code::success;
  }
  auto a = assemble(*got, "mpi", started);
  a.outcome.path = mine.results_path;
  const int code = publish(a.outcome);
  if (mine.spool) mine.spool->remove();
  comm->end(after(Clock::now(), grace_s));
  // A hung rank would never reach MPI_Finalize: end the job rather than wait on it.
  if (a.any_timeout || comm->broken()) comm->abort(code);
  return code;
}

int run_threads(const FleetOptions& o, const Publish& publish, std::atomic<bool>& stop) {
  if (const auto why = cuda_unavailable_reason())
    throw DeviceError(fmt::format("--device all measures every GPU, and there is none: {}", *why));
  const int n = cuda_device_count();
  const auto start = Clock::now();
  const std::string started = results::utc_now_iso8601();
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  ThreadGroup group(n, host);
  Progress progress(Progress::stderr_is_tty());
  Progress quiet(false, true);
  std::vector<RankOutcome> outcomes(static_cast<size_t>(n));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      auto comm = group.rank(i);
      const RankJob job{o, fmt::format("cuda:{}", i), start, i == 0 ? progress : quiet, stop};
      auto& mine = outcomes[static_cast<size_t>(i)];
      mine = measure_rank(job, *comm);
      comm->gather(mine.payload, Clock::now());
    });
  }
  const auto payloads = group.collect([&](const std::optional<std::vector<double>>& agreed) {
    return after(start,
                 (agreed ? (*agreed)[1] : o.rank_timeout.value_or(startup_timeout_s)) + grace_s);
  });
  progress.clear();
  auto a = assemble(payloads, "threads", started);
  // The name the device threads agreed on (their spools sit next to it).
  for (const auto& r : outcomes) {
    if (a.outcome.path.empty()) a.outcome.path = r.results_path;
  }
  if (a.outcome.path.empty())
    a.outcome.path =
        o.out.empty() ? (results::default_results_dir() / "fleet.json").string() : o.out;
  const int code = publish(a.outcome);
  if (a.any_timeout) std::_Exit(code);  // a hung device thread cannot be joined
  for (auto& t : threads) t.join();
  for (auto& r : outcomes) {
    if (r.spool) r.spool->remove();
  }
  return code;
}

}  // namespace

bool mpi_launched() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(v) != nullptr) return true;
  }
  return false;
}

bool fleet_requested(const std::string& device) {
  return device == "all" || (mpi_built() && mpi_launched());
}

int run_fleet(const FleetOptions& o, const Publish& publish) {
  InterruptGuard interrupt;
  std::atomic<bool> stop{false};
  InterruptRelay relay(stop);
  if (mpi_built() && mpi_launched()) return run_mpi(o, publish, stop);
  return run_threads(o, publish, stop);
}

}  // namespace hashflop::fleet
