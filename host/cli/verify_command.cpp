#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "cli/device_option.hpp"
#include "common/error.hpp"
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
    const bool as_json = *json;
    if (!as_json) fmt::print("verify on {} ({})\n", backend->info().id, backend->info().name);
    const auto results = run_self_test(*backend, [&](const CheckResult& r) {
      if (!as_json) {
        fmt::print("{}  {:<40} {}\n", r.passed() ? "PASS" : "FAIL", r.name, r.detail);
        std::fflush(stdout);
      }
    });
    int failed = 0;
    for (const auto& r : results) failed += r.passed() ? 0 : 1;
    if (as_json) {
      nlohmann::json out{{"device", backend->info().id},
                         {"device_name", backend->info().name},
                         {"passed", failed == 0},
                         {"checks", nlohmann::json::array()}};
      for (const auto& r : results) {
        out["checks"].push_back({{"name", r.name},
                                 {"passed", r.passed()},
                                 {"verdict", to_string(r.verdict)},
                                 {"detail", r.detail}});
      }
      fmt::print("{}\n", out.dump(2));
    } else {
      fmt::print("{}: {} of {} checks passed\n", failed == 0 ? "PASS" : "FAIL",
                 results.size() - static_cast<size_t>(failed), results.size());
    }
    outcome.exit_code = failed == 0 ? exit_code::success : exit_code::failure;
  });
}

}  // namespace hashflop::cli
