// `hashflop verify`: the self-test, a line per check as it finishes, or one JSON object.
#include <cstdio>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "cli/device_option.hpp"
#include "common/error.hpp"
#include "report/verify_lines.hpp"
#include "results/verify_record.hpp"
#include "verify/self_test.hpp"

namespace hashflop::cli {

void add_verify_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "verify",
      "Self-test in a few seconds: SHA-256 known answers, real block hashes, every sha256d\n"
      "variant against the scalar reference, and the real nonces of genesis and block 125552.\n"
      "Prints PASS or FAIL per check; exits 1 if any check fails.");
  auto device = std::make_shared<std::string>("auto");
  add_device_option(*cmd, *device);
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print one JSON object on stdout instead of text");
  cmd->callback([device, json, &outcome] {
    auto backend = open_backend(DeviceSpec::parse(*device));
    results::VerifyRecord record{backend->info().id, backend->info().name, {}};
    const bool as_json = *json;
    // The text shows each check as it finishes, so a slow one says which it is.
    if (!as_json) fmt::print("{}", report::verify_heading(record));
    record.checks = run_self_test(*backend, [&](const results::CheckResult& r) {
      if (!as_json) {
        fmt::print("{}", report::check_line(r));
        std::fflush(stdout);
      }
    });
    fmt::print("{}", as_json ? results::format_json(record) : report::verify_summary(record));
    outcome.exit_code = record.failed() == 0 ? exit_code::success : exit_code::failure;
  });
}

}  // namespace hashflop::cli
