// Per-rank spools: each fleet rank appends what it measured to a file of its own next to the
// results file, window by window, so a rank killed mid-run (OpenMPI then ends the whole job and
// the root writes nothing) loses no finished window. `hashflop recover FILE` merges the spools
// a crashed job left into FILE, marked incomplete. A job that ends normally removes them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "results/result.hpp"

namespace hashflop::fleet {

/// <results file>.rank<N>.spool
std::filesystem::path spool_path(const std::filesystem::path& results_file, int rank);

/// One rank's spool: JSON lines, appended and flushed to disk one at a time (a crash leaves at
/// most a torn last line, which recovery skips).
class Spool {
 public:
  /// Throws Error when the file cannot be created.
  explicit Spool(std::filesystem::path path);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  /// The device, harness and rank, before the first window; `ranks` is the job's size.
  void header(const results::Result& header, const results::RankRecord& rank, int ranks);
  /// The run so far; its last sample is the window that just ended.
  void window(const results::Run& run);
  /// A run that ended (complete, failed or cut short).
  void run(const results::Run& run);
  /// The rank's last word: it ended on its own, with `rank`'s status.
  void end(const results::RankRecord& rank);
  /// Deletes the file: the root has the rank's payload and has published.
  void remove();

 private:
  void append(const std::string& line);

  std::filesystem::path path_;
  int fd_ = -1;
};

/// A job's size above which its spools are not believed: every missing rank becomes a record in
/// the recovered file, and a spool claiming a million ranks once made a 275 MB file.
inline constexpr int max_recovered_ranks = 65536;

/// What recover_fleet merged: the fleet result, and the spools it read (delete those, and only
/// those, once the result is on disk).
struct Recovery {
  results::Result result;
  std::vector<std::filesystem::path> spools;
};

/// The fleet result the spools next to `results_file` hold: every finished run, every window
/// of an unfinished one (marked incomplete), and each rank that left no end record marked
/// failed. Throws UsageError when there is no spool to recover, when the spools do not
/// describe one job (sizes that disagree, a rank outside the job or claimed twice), or, unless
/// `force`, when a rank that has not ended still runs on this host (its pid is alive).
Recovery recover_fleet(const std::filesystem::path& results_file, bool force = false);

/// The results files in `dir` that spools name (<file>.rank<N>.spool) and that do not exist:
/// the jobs that died before writing them. Sorted.
std::vector<std::filesystem::path> unfinished_jobs(const std::filesystem::path& dir);

/// The spools next to `results_file`, sorted.
std::vector<std::filesystem::path> spools_of(const std::filesystem::path& results_file);

}  // namespace hashflop::fleet
