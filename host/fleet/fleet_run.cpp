// The fleet launchers of `hashflop run` and the root's assembly of one results file from every
// rank's payload: runs and devices side by side, a `ranks` list, and the `fleet` totals.
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "common/error.hpp"
#include "fleet/aggregate.hpp"
#include "fleet/fleet.hpp"
#include "fleet/fleet_table.hpp"
#include "fleet/rank_run.hpp"

namespace hashflop::fleet {
namespace {

using nlohmann::json;

// After the agreed timeout the root waits this much longer for payloads: ranks that gave up
// on a hung peer at the deadline still send what they measured.
constexpr double grace_s = 10;

Clock::time_point after(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

struct Assembled {
  results::Result result;
  bool any_timeout = false, any_failed = false;
};

Assembled assemble(const std::vector<std::optional<std::string>>& payloads,
                   const std::string& launcher, const std::string& started) {
  Assembled a;
  auto& r = a.result;
  r.tool_version = HASHFLOP_VERSION;
  r.git_commit = results::git_commit();
  r.started = started;
  r.host = results::host_facts();
  r.ranks = json::array();
  for (size_t i = 0; i < payloads.size(); ++i) {
    json rank;
    if (!payloads[i]) {
      rank = {{"rank", i},
              {"status", "timeout"},
              {"error", "no result from this rank within --rank-timeout"},
              {"incomplete", true}};
      a.any_timeout = true;
      r.incomplete = true;
      r.ranks.push_back(rank);
      continue;
    }
    try {
      const auto j = json::parse(*payloads[i]);
      auto part = results::from_json(j);
      rank = j.at("rank");
      if (r.harness.empty() && !part.harness.empty()) r.harness = part.harness;
      for (auto& d : part.devices) r.devices.push_back(d);
      for (auto& run : part.runs) r.runs.push_back(std::move(run));
      for (const auto& w : part.warnings) r.warnings.push_back(fmt::format("rank {}: {}", i, w));
      r.incomplete = r.incomplete || part.incomplete;
    } catch (const std::exception& e) {
      rank = {{"rank", i},
              {"status", "failed"},
              {"error", fmt::format("unreadable result: {}", e.what())}};
    }
    if (rank.value("status", "") != "ok") a.any_failed = true;
    r.ranks.push_back(rank);
  }
  r.harness["launcher"] = launcher;
  r.harness["ranks"] = payloads.size();
  r.fleet = summarize(r.runs, r.devices);
  r.finished = results::utc_now_iso8601();
  return a;
}

// Writes and prints on the root; returns the exit code.
int finish(const cli::RunOptions& o, const Assembled& a) {
  const auto j = results::to_json(a.result);
  const std::string path = o.out.empty() ? cli::default_path(a.result, "fleet") : o.out;
  results::write_atomically(path, j.dump(2) + "\n");
  print_fleet(o.json ? stderr : stdout, a.result);
  fmt::print(stderr, "results written to {}{}\n", path, a.result.incomplete ? " (incomplete)" : "");
  if (o.json) fmt::print("{}\n", j.dump(2));
  std::fflush(stdout);
  std::fflush(stderr);
  const bool verification_failed =
      std::any_of(a.result.runs.begin(), a.result.runs.end(),
                  [](const auto& r) { return r.verification_status == "failed"; });
  return a.any_timeout || a.any_failed || verification_failed || a.result.incomplete
             ? exit_code::failure
             : exit_code::success;
}

int run_mpi(const cli::RunOptions& o) {
  auto comm = open_mpi_comm(nullptr, nullptr);
  const auto start = Clock::now();
  const std::string started = results::utc_now_iso8601();
  const bool root = comm->place().rank == 0;
  // Only the root narrates; the others speak up when they fail (measure_rank logs that).
  harness::Progress progress(root && harness::Progress::stderr_is_tty(), !root);
  const RankJob job{o, o.device, start, progress};
  const auto mine = measure_rank(job, *comm);
  progress.clear();
  const auto deadline =
      after(mine.timeout_s ? after(start, *mine.timeout_s) : Clock::now(), grace_s);
  const auto got = comm->gather(mine.payload, deadline);
  if (!got) {
    fmt::print(stderr, "hashflop: rank {}: the root took no result by the deadline; aborting\n",
               comm->place().rank);
    comm->abort(exit_code::failure);
  }
  if (!root) return exit_code::success;  // its status travels in the root's file
  const auto a = assemble(*got, "mpi", started);
  const int code = finish(o, a);
  // A hung rank would never reach MPI_Finalize: end the job rather than wait on it.
  if (a.any_timeout) comm->abort(code);
  return code;
}

int run_threads(const cli::RunOptions& o) {
  if (const auto why = cuda_unavailable_reason())
    throw DeviceError(fmt::format("--device all measures every GPU, and there is none: {}", *why));
  const int n = cuda_device_count();
  const auto start = Clock::now();
  const std::string started = results::utc_now_iso8601();
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  ThreadGroup group(n, host);
  harness::Progress progress(harness::Progress::stderr_is_tty());
  harness::Progress quiet(false, true);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      auto comm = group.rank(i);
      const RankJob job{o, fmt::format("cuda:{}", i), start, i == 0 ? progress : quiet};
      comm->gather(measure_rank(job, *comm).payload, Clock::now());
    });
  }
  const auto payloads = group.collect([&](const std::optional<std::vector<double>>& agreed) {
    return after(start,
                 (agreed ? (*agreed)[1] : o.rank_timeout.value_or(startup_timeout_s)) + grace_s);
  });
  progress.clear();
  const auto a = assemble(payloads, "threads", started);
  const int code = finish(o, a);
  if (a.any_timeout) std::_Exit(code);  // a hung device thread cannot be joined
  for (auto& t : threads) t.join();
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

int run_fleet(const cli::RunOptions& o) {
  harness::InterruptGuard interrupt;
  if (mpi_built() && mpi_launched()) return run_mpi(o);
  return run_threads(o);
}

}  // namespace hashflop::fleet
