#include "fleet/rank_run.hpp"

#include <cstdlib>
#include <ctime>
#include <thread>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "common/error.hpp"
#include "fleet/affinity.hpp"
#include "fleet/spool.hpp"
#include "results/result.hpp"

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

// What a rank builds up on its way through measure_rank's steps.
struct RankState {
  results::RankRecord rank;
  std::unique_ptr<Backend> backend;
  std::optional<harness::Session> session;  // nullopt: the device did not open
  std::unique_ptr<Spool> spool;             // opened once the ranks agree on the file's name
  WindowSync* sync = nullptr;               // set once the ranks agree on the plan
  std::vector<std::string> warnings;
  size_t windows = 0;  // the barriers this rank's session calls
};

results::RankRecord rank_record(const RankPlace& p, const std::string& device_requested) {
  results::RankRecord rank;
  rank.rank = p.rank;
  rank.host = p.host;
  rank.local_rank = p.local_rank;
  rank.local_size = p.local_size;
  rank.device_requested = device_requested;
  return rank;
}

// Opens the rank's device (pinned to its share of the CPU's cores when it is the CPU) and
// prepares its session; a failure is recorded in the rank, which then only keeps step.
void open_device(const RankJob& job, const RankPlace& p, harness::SessionOptions options,
                 RankState& st) {
  try {
    const auto spec = resolve(job.device, p);
    results::RankPlacement placement;
    if (spec.kind == DeviceSpec::Kind::cpu) {
      const auto a = bind_cpu_rank(p.local_rank, p.local_size, options.plan.threads);
      options.plan.threads = a.threads;
      placement.affinity = a.cpus;
      placement.affinity_source = a.source;
      placement.threads = a.threads;
      if (!a.error.empty()) st.warnings.push_back("affinity: " + a.error);
    } else {
      placement.affinity = current_cpus();
    }
    placement.affinity_list = cpu_list(placement.affinity);
    st.backend = open_backend(spec);
    const std::string id = fmt::format("rank{}@{}/{}", p.rank, p.host, st.backend->info().id);
    placement.rank = p.rank;
    placement.host = p.host;
    st.session.emplace(*st.backend, options, job.progress, job.stop);
    st.session->label(id, std::move(placement));
    st.windows = st.session->prepare();
    st.rank.device = id;
  } catch (const std::exception& e) {
    st.rank.status = results::RankStatus::failed;
    st.rank.error = e.what();
    st.session.reset();
    st.windows = 0;
    job.progress.log(fmt::format("rank {}: failed: {}", p.rank, e.what()));
  }
}

// The plan every rank agrees on: {windows, timeout in seconds from the start, start time}, the
// largest of each over the ranks; nullopt when some rank did not start in time. The latest start
// time names the results file (and so the spools) the same on every rank.
std::optional<std::vector<double>> agree_on_plan(const RankJob& job, Comm& comm,
                                                 const harness::HarnessOptions& h, size_t windows) {
  const double own_timeout = job.options.rank_timeout.value_or(
      estimate_seconds(h, static_cast<size_t>(windows / std::max(h.repetitions, 1))));
  const auto startup_deadline =
      after(job.start, job.options.rank_timeout.value_or(startup_timeout_s));
  const double now_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return comm.max_all({static_cast<double>(windows), own_timeout, now_s}, startup_deadline);
}

// The spool of a rank whose results go to `results_path`: what a crash would otherwise lose.
void open_spool(const std::string& results_path, const RankPlace& p, RankState& st) {
  try {
    st.spool = std::make_unique<Spool>(spool_path(results_path, p.rank));
    st.spool->header(st.session ? st.session->header() : results::begin_result(), st.rank, p.size);
  } catch (const std::exception& e) {
    st.spool.reset();
    st.warnings.push_back(fmt::format("no spool, a crash would lose this rank: {}", e.what()));
  }
}

// Measures the rank's workloads in step with the others: after each workload it makes up the
// barriers it skipped, so a workload that ended early does not leave the others waiting.
results::Result measure_in_step(const RankJob& job, const RankPlace& p, int repetitions,
                                RankState& st, WindowSync& sync) {
  auto part = st.session->measure([&](size_t i, const results::Run& run) {
    if (st.spool) st.spool->run(run);
    sync.pad_to(static_cast<long>(i + 1) * repetitions);
  });
  if (!st.session->errors().empty()) {
    st.rank.status = results::RankStatus::failed;
    st.rank.error = st.session->errors().front();
    job.progress.log(fmt::format("rank {}: failed: {}", p.rank, st.rank.error));
  }
  return part;
}

}  // namespace

std::string default_fleet_path(double epoch_seconds) {
  const auto t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32] = {};
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return (results::default_results_dir() / fmt::format("fleet-{}.json", stamp)).string();
}

RankOutcome measure_rank(const RankJob& job, Comm& comm) {
  const auto& p = comm.place();
  RankState st;
  st.rank = rank_record(p, job.device);
  auto options = job.options.session;
  options.harness.before_window = [&st] {
    if (st.sync != nullptr) st.sync->window();
  };
  options.harness.after_window = [&st](const results::Run& run) {
    if (st.spool) st.spool->window(run);
  };
  open_device(job, p, options, st);

  const auto& h = options.harness;
  const auto agreed = agree_on_plan(job, comm, h, st.windows);
  RankOutcome out;
  const bool started = agreed.has_value();
  if (!started) {
    st.rank.note = "gave up waiting for the other ranks to start";
  } else {
    out.timeout_s = (*agreed)[1];
    out.results_path = job.options.out.empty() ? default_fleet_path((*agreed)[2]) : job.options.out;
    open_spool(out.results_path, p, st);
  }
  const long total_windows = agreed ? static_cast<long>((*agreed)[0]) : 0;
  WindowSync sync(comm, after(job.start, out.timeout_s.value_or(0)), job.stop);
  st.sync = &sync;

  results::Result part = results::begin_result();
  if (st.session && started) part = measure_in_step(job, p, h.repetitions, st, sync);
  sync.pad_to(total_windows);
  if (sync.timed_out()) st.rank.note = "stopped waiting for a rank that did not reach a window";
  part.warnings.insert(part.warnings.end(), st.warnings.begin(), st.warnings.end());
  part.incomplete = part.incomplete || !started || job.stop ||
                    st.rank.status != results::RankStatus::ok || (!st.session && st.windows == 0);
  if (part.harness.empty()) {
    part.harness.energy_method = "none";
    part.harness.energy_source = "none";
  }
  st.rank.incomplete = part.incomplete;
  if (st.spool) st.spool->end(st.rank);
  out.spool = std::move(st.spool);
  out.payload = results::rank_payload(part, st.rank);
  return out;
}

}  // namespace hashflop::fleet
