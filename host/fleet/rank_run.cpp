#include "fleet/rank_run.hpp"

#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "common/error.hpp"
#include "fleet/affinity.hpp"

namespace hashflop::fleet {
namespace {

using nlohmann::json;

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

RankOutcome measure_rank(const RankJob& job, Comm& comm) {
  const auto& p = comm.place();
  auto o = job.options;
  auto opts = cli::harness_options(o);
  auto& stop = harness::InterruptGuard::stop_requested();

  results::Result part;
  part.tool_version = HASHFLOP_VERSION;
  part.git_commit = results::git_commit();
  part.started = results::utc_now_iso8601();
  part.host = results::host_facts();
  json rank = {{"rank", p.rank},
               {"host", p.host},
               {"local_rank", p.local_rank},
               {"local_size", p.local_size},
               {"device_requested", job.device},
               {"device", nullptr},
               {"status", "ok"},
               {"error", ""}};

  std::unique_ptr<Backend> backend;
  std::unique_ptr<energy::EnergyMeter> meter;
  std::vector<std::unique_ptr<harness::Workload>> work;
  std::string id;
  try {
    const auto spec = resolve(job.device, p);
    json dev_extra = json::object();
    if (spec.kind == DeviceSpec::Kind::cpu) {
      const auto a = bind_cpu_rank(p.local_rank, p.local_size, o.threads);
      o.threads = a.threads;
      dev_extra = {{"affinity", a.cpus},
                   {"affinity_list", cpu_list(a.cpus)},
                   {"affinity_source", a.source},
                   {"threads", a.threads}};
      if (!a.error.empty()) part.warnings.push_back("affinity: " + a.error);
    } else {
      dev_extra = {{"affinity", current_cpus()}, {"affinity_list", cpu_list(current_cpus())}};
    }
    backend = open_backend(spec);
    const auto& info = backend->info();
    const bool cuda = info.id.starts_with("cuda");
    id = fmt::format("rank{}@{}/{}", p.rank, p.host, info.id);
    meter = o.assume_watts ? energy::make_assumed_meter(*o.assume_watts, "not measured")
                           : cli::open_meter(info, cuda, job.progress);
    auto dev = cli::device_json(info, cuda);
    dev.update(dev_extra);
    dev["id"] = id;
    dev["local_id"] = info.id;
    dev["rank"] = p.rank;
    dev["host"] = p.host;
    dev["energy_source"] = meter->source();
    work = cli::make_workloads(o, *backend, spec.index, part.warnings);
    part.devices.push_back(dev);
    rank["device"] = id;
    job.progress.log(
        fmt::format("rank {}: {} ({}); energy: {}", p.rank, id, info.name, meter->source()));
  } catch (const std::exception& e) {
    rank["status"] = "failed";
    rank["error"] = e.what();
    work.clear();
    job.progress.log(fmt::format("rank {}: failed: {}", p.rank, e.what()));
  }

  // The plan: how many windows every rank calls a barrier for, and when to give up on a rank.
  const double own_timeout = o.rank_timeout.value_or(estimate_seconds(opts, work.size()));
  const auto startup_deadline =
      job.start + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(o.rank_timeout.value_or(startup_timeout_s)));
  const auto agreed = comm.max_all(
      {static_cast<double>(work.size()) * opts.repetitions, own_timeout}, startup_deadline);
  RankOutcome out;
  if (!agreed) {
    part.incomplete = true;
    rank["note"] = "gave up waiting for the other ranks to start";
    work.clear();
  } else {
    out.timeout_s = (*agreed)[1];
  }
  const long total_windows = agreed ? static_cast<long>((*agreed)[0]) : 0;
  const auto deadline = job.start + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(out.timeout_s.value_or(0)));
  WindowSync sync(comm, deadline, stop);
  opts.before_window = [&sync] { sync.window(); };

  if (!work.empty()) {
    harness::Harness h(*meter, opts, job.progress, stop);
    const auto idle = h.measure_idle();
    for (size_t i = 0; i < work.size() && !stop; ++i) {
      try {
        if (i > 0) h.cooldown();
        part.runs.push_back(h.measure(*work[i], id, idle));
      } catch (const std::exception& e) {
        rank["status"] = "failed";
        rank["error"] = fmt::format("{} {}: {}", work[i]->workload(), work[i]->variant(), e.what());
        job.progress.log(
            fmt::format("rank {}: failed: {}", p.rank, rank["error"].get<std::string>()));
        break;
      }
      sync.pad_to(static_cast<long>(i + 1) * opts.repetitions);
    }
  }
  sync.pad_to(total_windows);
  if (sync.timed_out()) rank["note"] = "stopped waiting for a rank that did not reach a window";
  part.incomplete =
      part.incomplete || stop || rank["status"] != "ok" || part.runs.size() < work.size() ||
      std::any_of(part.runs.begin(), part.runs.end(), [](const auto& r) { return r.incomplete; });
  rank["incomplete"] = part.incomplete;
  part.finished = results::utc_now_iso8601();
  part.harness = {{"duration_s", opts.duration},
                  {"repetitions", opts.repetitions},
                  {"cooldown_s", opts.cooldown},
                  {"idle_s", opts.idle_seconds},
                  {"warmup_window_s", opts.warmup_window},
                  {"warmup_max_windows", opts.warmup_max_windows},
                  {"energy_method", meter ? meter->method() : "none"},
                  {"energy_source", meter ? meter->source() : "none"}};
  auto j = results::to_json(part);
  j["rank"] = rank;
  out.payload = j.dump();
  return out;
}

}  // namespace hashflop::fleet
