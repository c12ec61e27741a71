#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cli/build_info.hpp"
#include "cli/commands.hpp"
#include "cli/suggest.hpp"
#include "common/error.hpp"
#include "results/result.hpp"

namespace hashflop::cli {

namespace {

std::vector<std::string> command_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string version_text() {
  const auto& build = build_info();
  return fmt::format("hashflop {}\ncommit {}, {} build, {}, {}, {}", HASHFLOP_VERSION,
                     results::git_commit(), build.build_type, build.cuda, build.mpi,
                     build.compiler);
}

// CLI11 says only "The following argument was not expected: --quik"; name the command and the
// nearest option.
std::string unexpected_argument(CLI::App& app) {
  CLI::App* command = &app;
  for (auto* sub : app.get_subcommands()) command = sub;  // the one that was parsed
  const auto extras = command->remaining();
  if (extras.empty()) return {};
  const std::string word = extras.front();
  const std::string where =
      command == &app ? std::string("hashflop") : "hashflop " + command->get_name();
  if (!word.starts_with("-")) {
    return fmt::format("unexpected argument '{}' for `{}` (see `{} --help`)", word, where, where);
  }
  std::vector<std::string> options;
  for (const auto* opt : command->get_options()) {
    for (const auto& l : opt->get_lnames()) options.push_back("--" + l);
    for (const auto& s : opt->get_snames()) options.push_back("-" + s);
  }
  const std::string name = word.substr(0, word.find('='));
  const auto near = closest(name, options);
  return fmt::format("unknown option {} for `{}`{} (see `{} --help`)", name, where,
                     near ? fmt::format("; did you mean {}?", *near) : std::string(), where);
}

// "hashflop gemm": the command that was parsed, to point at its --help.
std::string parsed_command(CLI::App& app) {
  CLI::App* command = &app;
  for (auto* sub : app.get_subcommands()) command = sub;
  return command == &app ? std::string("hashflop") : "hashflop " + command->get_name();
}

// Every option error reads "WHAT: PROBLEM (see `hashflop CMD --help`)". CLI11's own words for a
// value of the wrong type, "Could not convert: --size = abc", are put in the validators' form
// ("--threads: 'abc' is not a whole number").
std::string parse_error_message(CLI::App& app, const std::string& what) {
  static constexpr std::string_view prefix = "Could not convert: ";
  const auto eq = what.find(" = ");
  const std::string text =
      what.starts_with(prefix) && eq != std::string::npos
          ? fmt::format("{}: '{}' is not a value it takes",
                        what.substr(prefix.size(), eq - prefix.size()), what.substr(eq + 3))
          : what;
  return fmt::format("{} (see `{} --help`)", text, parsed_command(app));
}

// What a command printed must have reached its reader: `devices --json > /dev/full` is a
// failure, not exit 0 with nothing written.
int stdout_flushed(int code) {
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    fmt::print(stderr, "hashflop: cannot write standard output: {}\n",
               errno != 0 ? std::strerror(errno) : "write error");
    return code == exit_code::success ? exit_code::failure : code;
  }
  return code;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{
      "hashflop: double-SHA-256 hashes per joule against GEMM FLOPs per joule, on one device.\n"
      "Start with `hashflop devices`, then `hashflop verify`, then `hashflop run --quick`.",
      "hashflop"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  Outcome outcome;
  add_devices_command(app, outcome);
  add_verify_command(app, outcome);
  add_mine_command(app, outcome);
  add_gemm_command(app, outcome);
  add_run_command(app, outcome);
  add_transformer_command(app, outcome);
  add_report_command(app, outcome);
  add_compare_command(app, outcome);
  add_recover_command(app, outcome);
  add_tune_command(app, outcome);

  if (argc <= 1) {  // a first try: the commands and where to start, not an error
    fmt::print("{}", app.help());
    return exit_code::success;
  }
  try {
    const auto commands = command_names(app);
    if (argv[1][0] != '-' &&
        std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
      const auto near = closest(argv[1], commands);
      throw UsageError(fmt::format("unknown command '{}'{} (commands: {})", argv[1],
                                   near ? fmt::format("; did you mean '{}'?", *near) : "",
                                   join(commands)));
    }
    app.parse(argc, argv);
    return stdout_flushed(outcome.exit_code);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    const std::string better = unexpected_argument(app);
    fmt::print(stderr, "hashflop: {}\n", better.empty() ? e.what() : better);
    return exit_code::usage;
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "hashflop: {}\n", parse_error_message(app, e.what()));
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
