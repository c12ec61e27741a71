// `hashflop recover [FILE]`: after a fleet job died before its root wrote FILE (OpenMPI ends
// the whole job when one rank is killed), merges the per-rank spools left next to FILE into it.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/file_input.hpp"
#include "fleet/spool.hpp"
#include "report/fleet_table.hpp"
#include "results/result.hpp"

namespace hashflop::cli {
namespace {

namespace fs = std::filesystem;

void recover(const fs::path& path, bool force) {
  // The job finished and wrote its file: nothing was lost, so this is no error (exit 0).
  if (fs::exists(path)) {
    fmt::print(stderr, "hashflop: nothing to recover: {} exists (the job wrote it)\n",
               path.string());
    return;
  }
  const auto recovery = fleet::recover_fleet(path, force);
  const std::string text = results::to_json_text(recovery.result);
  // A file report and compare would refuse is no recovery: keep the spools instead.
  if (text.size() > max_json_bytes) {
    throw UsageError(
        fmt::format("the recovered file would be {} bytes, over the {} that "
                    "hashflop reads: nothing written, no spool deleted",
                    text.size(), max_json_bytes));
  }
  results::write_atomically(path, text);
  report::print_fleet(stdout, recovery.result);
  // Only once the file is on disk (written, synced, renamed), and only the spools it holds: a
  // failed write leaves them for another try, and a spool that appeared since is not ours.
  for (const auto& spool : recovery.spools) fs::remove(spool);
  fmt::print(stderr, "results written to {} (incomplete: recovered from spools)\n", path.string());
}

}  // namespace

void add_recover_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "recover",
      "Write the results file of a fleet job that died, from the spools its ranks left next to\n"
      "it (FILE.rank<N>.spool): every finished window is kept, and the file is marked\n"
      "incomplete. Without FILE: every such job in the default results folder\n"
      "($XDG_DATA_HOME/hashflop/results, else ~/.local/share/hashflop/results), where `run`\n"
      "puts a fleet file without --out. A job whose ranks still run on this host is refused\n"
      "unless --force. Exit 0 also when there is nothing to recover.\n"
      "Example: hashflop recover fleet.json");
  auto file = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  cmd->add_option("file", *file, "The results file the job was to write (its --out)");
  cmd->add_flag("--force", *force,
                "Recover even while a rank's process still runs on this host (its windows from "
                "now on are lost)");
  cmd->callback([file, force, &outcome] {
    if (!file->empty()) {
      recover(*file, *force);
      outcome.exit_code = exit_code::success;
      return;
    }
    const auto dir = results::default_results_dir();
    const auto jobs = fleet::unfinished_jobs(dir);
    // Nothing to recover is the good outcome of a check, not bad input: said, and exit 0.
    if (jobs.empty()) {
      fmt::print(stderr, "hashflop: nothing to recover: no spools (FILE.rank<N>.spool) in {}\n",
                 dir.string());
      outcome.exit_code = exit_code::success;
      return;
    }
    // One job's bad spools must not keep the others unrecovered: each is tried, each failure
    // is one line, and the exit status is that of the worst.
    outcome.exit_code = exit_code::success;
    for (const auto& job : jobs) {
      try {
        recover(job, *force);
      } catch (const UsageError& e) {
        fmt::print(stderr, "hashflop: {}: {}\n", job.string(), e.what());
        outcome.exit_code = std::max(outcome.exit_code, exit_code::usage);
      } catch (const Error& e) {
        fmt::print(stderr, "hashflop: {}: {}\n", job.string(), e.what());
        if (outcome.exit_code == exit_code::success) outcome.exit_code = exit_code::failure;
      }
    }
  });
}

}  // namespace hashflop::cli
