// Each subcommand registers its options on the app and runs through a callback; errors leave as
// exceptions and main() maps them to exit codes.
#pragma once

#include <CLI/CLI.hpp>

namespace hashflop::cli {

/// Set by a subcommand's callback; main returns it when no exception escaped.
struct Outcome {
  int exit_code = 0;
};

void add_mine_command(CLI::App& app, Outcome& outcome);
void add_verify_command(CLI::App& app, Outcome& outcome);
void add_devices_command(CLI::App& app, Outcome& outcome);
void add_gemm_command(CLI::App& app, Outcome& outcome);
void add_run_command(CLI::App& app, Outcome& outcome);
void add_transformer_command(CLI::App& app, Outcome& outcome);
void add_report_command(CLI::App& app, Outcome& outcome);
void add_compare_command(CLI::App& app, Outcome& outcome);
void add_recover_command(CLI::App& app, Outcome& outcome);
void add_tune_command(CLI::App& app, Outcome& outcome);

/// Parses argv and runs the chosen subcommand; returns the process exit code. Never throws.
int run(int argc, char** argv);

}  // namespace hashflop::cli
