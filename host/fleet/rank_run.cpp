#include "fleet/rank_run.hpp"

#include <cstdlib>
#include <ctime>
#include <thread>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "common/error.hpp"
#include "fleet/affinity.hpp"
#include "fleet/spool.hpp"

namespace hashflop::fleet {
namespace {

// What "auto", "cuda:local" and "all" mean for a rank: the GPU of its local rank (or the CPU
// for auto on a node without GPUs); explicit cpu and cuda:N are taken as given.
DeviceSpec resolve(const std::string& device, const RankPlace& p) {
  if (device == "cuda:local" || device == "all") return {DeviceSpec::Kind::cuda, p.local_rank};
  if (device == "auto") {
    return cuda_unavailable_reason() ? DeviceSpec{DeviceSpec::Kind::cpu, 0}
                                     : DeviceSpec{DeviceSpec::Kind::cuda, p.local_rank};
  }
  return DeviceSpec::parse(device);
}

// A generous bound on a healthy run: every phase at its longest, plus room for verification
// and start-up, so only a rank that is really stuck reaches it.
double estimate_seconds(const harness::HarnessOptions& o, size_t workloads) {
  const double per =
      o.warmup_max_windows * o.warmup_window + o.repetitions * o.duration + o.cooldown + 30;
  return 1.5 * (o.idle_seconds + static_cast<double>(workloads) * per) + 60;
}

// Counts the barriers so a rank whose workload ended early (failed verification, an error)
// can make up the ones it skipped and stay in step with the others.
class WindowSync {
 public:
  WindowSync(Comm& comm, Clock::time_point deadline, std::atomic<bool>& stop)
      : comm_(comm), deadline_(deadline), stop_(stop) {}
  void window() {
    if (timed_out_) return;
    hang_if_asked();
    ++count_;
    if (!comm_.barrier(deadline_)) {
      timed_out_ = true;
      stop_ = true;  // ends the measurement here; what was measured is kept, marked incomplete
    }
  }
  void pad_to(long n) {
    while (count_ < n && !timed_out_) window();
  }
  bool timed_out() const { return timed_out_; }

 private:
  // Test hook for the timeout path (tests/fleet): HASHFLOP_FLEET_TEST_HANG_RANK=N makes rank N
  // stop responding before its first window, like a stuck kernel.
  void hang_if_asked() {
    const char* hang = std::getenv("HASHFLOP_FLEET_TEST_HANG_RANK");
    if (count_ == 0 && hang != nullptr && std::atoi(hang) == comm_.place().rank) {
      std::this_thread::sleep_for(std::chrono::hours(1));
    }
  }

  Comm& comm_;
  Clock::time_point deadline_;
  std::atomic<bool>& stop_;
  long count_ = 0;
  bool timed_out_ = false;
};

}  // namespace

std::string default_fleet_path(double epoch_seconds) {
  const auto t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32] = {};
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return fmt::format("results/fleet-{}.json", stamp);
}

RankOutcome measure_rank(const RankJob& job, Comm& comm) {
  const auto& p = comm.place();
  auto options = job.options.session;
  WindowSync* sync_ptr = nullptr;  // set once the ranks agree on the plan
  options.harness.before_window = [&sync_ptr] {
    if (sync_ptr != nullptr) sync_ptr->window();
  };
  std::unique_ptr<Spool> spool;  // opened once the ranks agree on the results file's name
  options.harness.after_window = [&spool](const results::Run& run) {
    if (spool) spool->window(run);
  };

  results::RankRecord rank;
  rank.rank = p.rank;
  rank.host = p.host;
  rank.local_rank = p.local_rank;
  rank.local_size = p.local_size;
  rank.device_requested = job.device;

  std::unique_ptr<Backend> backend;
  std::optional<harness::Session> session;
  std::vector<std::string> warnings;
  size_t windows = 0;
  try {
    const auto spec = resolve(job.device, p);
    results::RankPlacement placement;
    if (spec.kind == DeviceSpec::Kind::cpu) {
      const auto a = bind_cpu_rank(p.local_rank, p.local_size, options.plan.threads);
      options.plan.threads = a.threads;
      placement.affinity = a.cpus;
      placement.affinity_source = a.source;
      placement.threads = a.threads;
      if (!a.error.empty()) warnings.push_back("affinity: " + a.error);
    } else {
      placement.affinity = current_cpus();
    }
    placement.affinity_list = cpu_list(placement.affinity);
    backend = open_backend(spec);
    const std::string id = fmt::format("rank{}@{}/{}", p.rank, p.host, backend->info().id);
    placement.rank = p.rank;
    placement.host = p.host;
    session.emplace(*backend, options, job.progress, job.stop);
    session->label(id, std::move(placement));
    windows = session->prepare();
    rank.device = id;
  } catch (const std::exception& e) {
    rank.status = results::RankStatus::failed;
    rank.error = e.what();
    session.reset();
    windows = 0;
    job.progress.log(fmt::format("rank {}: failed: {}", p.rank, e.what()));
  }

  // The plan: how many windows every rank calls a barrier for, and when to give up on a rank.
  const auto& h = options.harness;
  const double own_timeout = job.options.rank_timeout.value_or(
      estimate_seconds(h, static_cast<size_t>(windows / std::max(h.repetitions, 1))));
  const auto startup_deadline =
      after(job.start, job.options.rank_timeout.value_or(startup_timeout_s));
  // The latest start time names the results file (and so the spools) the same on every rank.
  const double now_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto agreed =
      comm.max_all({static_cast<double>(windows), own_timeout, now_s}, startup_deadline);
  RankOutcome out;
  bool started = true;
  if (!agreed) {
    rank.note = "gave up waiting for the other ranks to start";
    started = false;
  } else {
    out.timeout_s = (*agreed)[1];
    out.results_path = job.options.out.empty() ? default_fleet_path((*agreed)[2]) : job.options.out;
    try {
      spool = std::make_unique<Spool>(spool_path(out.results_path, p.rank));
      spool->header(session ? session->header() : results::begin_result(), rank, p.size);
    } catch (const std::exception& e) {
      spool.reset();
      warnings.push_back(fmt::format("no spool, a crash would lose this rank: {}", e.what()));
    }
  }
  const long total_windows = agreed ? static_cast<long>((*agreed)[0]) : 0;
  WindowSync sync(comm, after(job.start, out.timeout_s.value_or(0)), job.stop);
  sync_ptr = &sync;

  results::Result part = results::begin_result();
  if (session && started) {
    part = session->measure([&](size_t i, const results::Run& run) {
      if (spool) spool->run(run);
      sync.pad_to(static_cast<long>(i + 1) * h.repetitions);
    });
    if (!session->errors().empty()) {
      rank.status = results::RankStatus::failed;
      rank.error = session->errors().front();
      job.progress.log(fmt::format("rank {}: failed: {}", p.rank, rank.error));
    }
  }
  sync.pad_to(total_windows);
  if (sync.timed_out()) rank.note = "stopped waiting for a rank that did not reach a window";
  part.warnings.insert(part.warnings.end(), warnings.begin(), warnings.end());
  part.incomplete = part.incomplete || !started || job.stop ||
                    rank.status != results::RankStatus::ok || (!session && windows == 0);
  if (part.harness.empty()) {
    part.harness.energy_method = "none";
    part.harness.energy_source = "none";
  }
  rank.incomplete = part.incomplete;
  if (spool) spool->end(rank);
  out.spool = std::move(spool);
  out.payload = results::rank_payload(part, rank);
  return out;
}

}  // namespace hashflop::fleet
