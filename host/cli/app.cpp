#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "common/error.hpp"

namespace hashflop::cli {

namespace {

bool is_command(CLI::App& app, std::string_view name) {
  for (const auto* sub : app.get_subcommands({})) {
    if (sub->get_name() == name) return true;
  }
  return false;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{
      "hashflop: double-SHA-256 hashes per joule against GEMM FLOPs per joule, on one device.\n"
      "Start with `hashflop devices`, then `hashflop verify`, then `hashflop mine --help`.",
      "hashflop"};
  app.set_version_flag("--version", HASHFLOP_VERSION);
  app.require_subcommand(1);
  Outcome outcome;
  add_devices_command(app, outcome);
  add_verify_command(app, outcome);
  add_mine_command(app, outcome);
  add_gemm_command(app, outcome);
  add_run_command(app, outcome);
  add_report_command(app, outcome);
  add_compare_command(app, outcome);
  add_recover_command(app, outcome);
  add_tune_command(app, outcome);

  try {
    if (argc > 1 && argv[1][0] != '-' && !is_command(app, argv[1])) {
      throw UsageError(
          fmt::format("unknown command '{}' (commands: devices, verify, mine, gemm, run, compare, "
                      "report, recover, tune)",
                      argv[1]));
    }
    app.parse(argc, argv);
    return outcome.exit_code;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "hashflop: {}\n", e.what());
    return exit_code::usage;
  } catch (const UsageError& e) {
    fmt::print(stderr, "hashflop: {}\n", e.what());
    return exit_code::usage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "hashflop: error: {}\n", e.what());
    return exit_code::failure;
  }
}

}  // namespace hashflop::cli
