#include "fleet/spool.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "common/error.hpp"
#include "common/file_input.hpp"
#include "fleet/aggregate.hpp"
#include "results/spool_lines.hpp"

namespace hashflop::fleet {
namespace fs = std::filesystem;

fs::path spool_path(const fs::path& results_file, int rank) {
  return fs::path(fmt::format("{}.rank{}.spool", results_file.string(), rank));
}

Spool::Spool(fs::path path) : path_(std::move(path)) {
  std::error_code ec;
  if (path_.has_parent_path()) fs::create_directories(path_.parent_path(), ec);
  fd_ =
      ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) {
    throw Error(fmt::format("cannot create spool {}: {}", path_.string(), std::strerror(errno)));
  }
}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

void Spool::append(const std::string& line) {
  if (fd_ < 0) return;
  const std::string text = line + "\n";
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw Error(fmt::format("cannot write spool {}: {}", path_.string(), std::strerror(errno)));
    done += static_cast<size_t>(n);
  }
  // On disk before the next window: the point is to survive a kill -9 (and a node crash).
  ::fdatasync(fd_);
}

void Spool::header(const results::Result& header, const results::RankRecord& rank, int ranks) {
  append(results::spool_header_line(header, rank, ranks, static_cast<long>(::getpid())));
}

void Spool::window(const results::Run& run) {
  append(results::spool_window_line(run));
}

void Spool::run(const results::Run& run) {
  append(results::spool_run_line(run));
}

void Spool::end(const results::RankRecord& rank) {
  append(results::spool_end_line(rank));
}

void Spool::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  fs::remove(path_, ec);
}

std::vector<fs::path> spools_of(const fs::path& results_file) {
  std::vector<fs::path> out;
  const fs::path dir = results_file.has_parent_path() ? results_file.parent_path() : ".";
  const std::regex name(std::regex_replace(results_file.filename().string(),
                                           std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                        R"(\.rank[0-9]+\.spool)");
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (std::regex_match(e.path().filename().string(), name)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> unfinished_jobs(const fs::path& dir) {
  static const std::regex name(R"((.+)\.rank[0-9]+\.spool)");
  std::set<fs::path> jobs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::smatch m;
    const std::string file = e.path().filename().string();
    if (std::regex_match(file, m, name) && !fs::exists(dir / m[1].str(), ec)) {
      jobs.insert(dir / m[1].str());
    }
  }
  return {jobs.begin(), jobs.end()};
}

namespace {

struct RankSpool {
  results::Result header;
  results::RankRecord rank;
  int ranks = 1;
  long pid = 0;
  std::vector<results::Run> runs;
  std::optional<results::Run> open_run;  // windows of a run that never finished
  bool ended = false;
};

RankSpool read_spool(const fs::path& path) {
  RankSpool s;
  std::istringstream in(read_regular_file(path, "spool", max_json_bytes));
  std::string line;
  bool have_header = false;
  while (std::getline(in, line)) {
    auto read = results::read_spool_line(line, max_recovered_ranks);
    if (!read) continue;  // a line torn by the crash
    using Type = results::SpoolLine::Type;
    if (read->type == Type::header) {
      s.header = std::move(read->header);
      s.rank = read->rank;
      s.ranks = read->ranks;
      s.pid = read->pid;
      have_header = true;
    } else if (read->type == Type::window) {
      auto run = std::move(*read->run);
      // A spool writes one sample per window; a window without one carries nothing to keep.
      if (run.samples.empty()) continue;
      if (!s.open_run || s.open_run->workload != run.workload ||
          s.open_run->variant != run.variant || s.open_run->params != run.params) {
        s.open_run = run;
      } else {
        s.open_run->samples.push_back(run.samples.back());
      }
    } else if (read->type == Type::run) {
      s.runs.push_back(std::move(*read->run));
      s.open_run.reset();
    } else if (read->type == Type::end) {
      s.rank = read->rank;
      s.ended = true;
    }
  }
  if (!have_header) throw UsageError(fmt::format("{}: no spool header", path.string()));
  return s;
}

// read_spool, its errors a UsageError that names the file.
RankSpool read_spool_naming(const fs::path& path) {
  try {
    return read_spool(path);
  } catch (const UsageError& e) {
    if (std::string_view(e.what()).starts_with(path.string())) throw;
    throw UsageError(fmt::format("{}: {}", path.string(), e.what()));
  } catch (const Error& e) {
    throw UsageError(fmt::format("{}: {}", path.string(), e.what()));
  }
}

std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

// A process with that pid runs here, and it is hashflop: not a recycled pid, and not a zombie
// (a killed rank whose parent has not reaped it yet still answers kill(pid, 0)).
bool hashflop_alive(long pid) {
  if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)) return false;
  if (!fs::exists("/proc/self/stat")) return true;  // no /proc to ask: trust the pid
  std::ifstream stat_file(fmt::format("/proc/{}/stat", pid));
  std::string stat_line;
  std::getline(stat_file, stat_line);
  // "pid (comm) S ...": the state follows the last ')'.
  const auto close = stat_line.rfind(')');
  if (close == std::string::npos || close + 2 >= stat_line.size()) return false;
  const char state = stat_line[close + 2];
  if (state == 'Z' || state == 'X') return false;
  // Any argument, not only the first: under an emulator or a launcher wrapper (qemu-aarch64,
  // valgrind) the program is a later one.
  std::ifstream cmdline(fmt::format("/proc/{}/cmdline", pid));
  std::string arg;
  while (std::getline(cmdline, arg, '\0')) {
    if (fs::path(arg).filename().string().find("hashflop") != std::string::npos) return true;
  }
  return false;
}

// The spools must describe one job: one size, each rank once and inside it, no rank running.
void check_one_job(const std::vector<std::pair<fs::path, RankSpool>>& spools, bool force) {
  const int size = spools.front().second.ranks;
  std::map<int, fs::path> seen;
  const std::string host = this_host();
  for (const auto& [path, s] : spools) {
    if (s.ranks != size) {
      throw UsageError(
          fmt::format("{} says the job had {} ranks, {} says {}: not one job; "
                      "nothing recovered, no spool deleted",
                      path.string(), s.ranks, spools.front().first.string(), size));
    }
    if (s.rank.rank < 0 || s.rank.rank >= size) {
      throw UsageError(
          fmt::format("{} is rank {} of a {}-rank job: not one of its ranks; "
                      "nothing recovered, no spool deleted",
                      path.string(), s.rank.rank, size));
    }
    if (const auto [it, fresh] = seen.emplace(s.rank.rank, path); !fresh) {
      throw UsageError(
          fmt::format("{} and {} both claim rank {}: nothing recovered, no spool "
                      "deleted",
                      it->second.string(), path.string(), s.rank.rank));
    }
    if (!force && !s.ended && s.rank.host == host && hashflop_alive(s.pid)) {
      throw UsageError(fmt::format(
          "rank {} (pid {} on this host) is still running: the job is live, its spools are "
          "still being written; wait for it to end, or pass --force",
          s.rank.rank, s.pid));
    }
  }
}

}  // namespace

Recovery recover_fleet(const fs::path& results_file, bool force) {
  const auto files = spools_of(results_file);
  if (files.empty()) {
    throw UsageError(
        fmt::format("no spool next to {} ({}.rank<N>.spool) and no such file: "
                    "is it the --out of a fleet job that ran?",
                    results_file.string(), results_file.filename().string()));
  }
  std::vector<std::pair<fs::path, RankSpool>> read;
  for (const auto& f : files) read.emplace_back(f, read_spool_naming(f));
  check_one_job(read, force);
  results::Result r;
  results::Fleet fleet;
  std::map<int, RankSpool> ranks;
  const int size = read.front().second.ranks;
  for (auto& [path, s] : read) ranks[s.rank.rank] = std::move(s);
  for (int i = 0; i < size; ++i) {
    const auto it = ranks.find(i);
    if (it == ranks.end()) {
      results::RankRecord lost;
      lost.rank = i;
      lost.status = results::RankStatus::failed;
      lost.error = "no spool: the rank did not start measuring";
      lost.incomplete = true;
      fleet.ranks.push_back(lost);
      continue;
    }
    auto& s = it->second;
    if (r.tool_version.empty()) {
      r = s.header;
      r.devices.clear();
      r.warnings.clear();
    }
    for (const auto& d : s.header.devices) r.devices.push_back(d);
    for (const auto& w : s.header.warnings) r.warnings.push_back(fmt::format("rank {}: {}", i, w));
    const std::string method = s.header.harness.energy_method.value_or("none");
    for (auto& run : s.runs) r.runs.push_back(std::move(run));
    if (s.open_run) {
      auto run = *s.open_run;
      results::summarize_samples(run, method, method == "assumed");
      if (!run.energy && run.energy_unavailable_reason.empty())
        run.energy_unavailable_reason = "not every window has energy";
      run.incomplete = true;
      run.warnings.push_back("recovered from the rank's spool: the run did not finish");
      r.runs.push_back(std::move(run));
    }
    if (!s.ended) {
      s.rank.status = results::RankStatus::failed;
      s.rank.error =
          "the rank ended without finishing (killed or crashed); its finished "
          "windows are kept";
      s.rank.incomplete = true;
    }
    fleet.ranks.push_back(s.rank);
  }
  r.incomplete = true;
  r.harness.launcher = "mpi (recovered from spools)";
  r.harness.ranks = size;
  r.warnings.push_back(
      "recovered by `hashflop recover` from the spools of a job that did not "
      "finish");
  fleet.entries = summarize(r.runs, r.devices);
  r.fleet = std::move(fleet);
  r.finished = results::utc_now_iso8601();
  return {std::move(r), files};
}

}  // namespace hashflop::fleet
