// `hashflop recover [FILE]`: after a fleet job died before its root wrote FILE (OpenMPI ends
// the whole job when one rank is killed), merges the per-rank spools left next to FILE into it.
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "fleet/spool.hpp"
#include "report/fleet_table.hpp"
#include "results/result.hpp"

namespace hashflop::cli {
namespace {

namespace fs = std::filesystem;

void recover(const fs::path& path) {
  if (fs::exists(path)) {
    throw UsageError(
        fmt::format("{} exists: the job wrote it, so there is nothing to recover", path.string()));
  }
  const auto result = fleet::recover_fleet(path);
  results::write_atomically(path, results::to_json(result).dump(2) + "\n");
  report::print_fleet(stdout, result);
  // Only once the file is on disk: a failed write leaves the spools for another try.
  for (const auto& spool : fleet::spools_of(path)) fs::remove(spool);
  fmt::print(stderr, "results written to {} (incomplete: recovered from spools)\n", path.string());
}

}  // namespace

void add_recover_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "recover",
      "Write the results file of a fleet job that died, from the spools its ranks left next to\n"
      "it (FILE.rank<N>.spool): every finished window is kept, and the file is marked\n"
      "incomplete. Without FILE: every such job under results/.\n"
      "Example: hashflop recover results/fleet.json");
  auto file = std::make_shared<std::string>();
  cmd->add_option("file", *file, "The results file the job was to write (its --out)");
  cmd->callback([file, &outcome] {
    if (!file->empty()) {
      recover(*file);
    } else {
      const auto jobs = fleet::unfinished_jobs("results");
      if (jobs.empty()) {
        throw UsageError("no spools under results/ (FILE.rank<N>.spool): nothing to recover");
      }
      for (const auto& job : jobs) recover(job);
    }
    outcome.exit_code = exit_code::success;
  });
}

}  // namespace hashflop::cli
