// The lines of a fleet rank's spool (fleet/spool.hpp), as the results layer writes and reads
// them: one JSON document per line, {"type": header|window|run|end, ...}.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "results/result.hpp"

namespace hashflop::results {

/// One line read back.
struct SpoolLine {
  enum class Type { header, window, run, end, other };
  Type type = Type::other;
  Result header;           ///< header: the result before its first run
  RankRecord rank;         ///< header and end
  int ranks = 1;           ///< header: the job's size
  long pid = 0;            ///< header: the rank's process
  std::optional<Run> run;  ///< window (its last sample is the window) and run
};

/// The device, harness and rank, before the first window.
std::string spool_header_line(const Result& header, const RankRecord& rank, int ranks, long pid);
/// The run so far, with only its last sample and no telemetry: what recovery needs of a window.
std::string spool_window_line(const Run& run);
std::string spool_run_line(const Run& run);
std::string spool_end_line(const RankRecord& rank);

/// nullopt: the line is no JSON (torn by a crash). Throws Error when it is JSON but not a
/// spool line, or `ranks` is outside [1, max_ranks].
std::optional<SpoolLine> read_spool_line(std::string_view line, int max_ranks);

}  // namespace hashflop::results
