// `hashflop recover FILE`: after a fleet job died before its root wrote FILE (OpenMPI ends the
// whole job when one rank is killed), merges the per-rank spools left next to FILE into it.
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "fleet/spool.hpp"
#include "report/fleet_table.hpp"
#include "results/result.hpp"

namespace hashflop::cli {

void add_recover_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "recover",
      "Write a fleet results file from the spools a crashed job left next to it\n"
      "(FILE.rank<N>.spool): every finished window is kept, and the file is marked incomplete.\n"
      "Example: hashflop recover results/fleet.json");
  auto file = std::make_shared<std::string>();
  cmd->add_option("file", *file, "The results file the job was to write (its --out)")->required();
  cmd->callback([file, &outcome] {
    const std::filesystem::path path = *file;
    if (std::filesystem::exists(path)) {
      throw UsageError(fmt::format("{} exists: the job wrote it; nothing to recover", *file));
    }
    const auto result = fleet::recover_fleet(path);
    results::write_atomically(path, results::to_json(result).dump(2) + "\n");
    report::print_fleet(stdout, result);
    for (const auto& spool : fleet::spools_of(path)) std::filesystem::remove(spool);
    fmt::print(stderr, "results written to {} (incomplete: recovered from spools)\n", *file);
    outcome.exit_code = exit_code::success;
  });
}

}  // namespace hashflop::cli
