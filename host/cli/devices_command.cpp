#include <cstdio>

#include <fmt/format.h>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "common/error.hpp"
#include "results/devices_listing.hpp"

namespace hashflop::cli {
namespace {

void print_device(const results::DeviceRecord& d) {
  fmt::print("{}: {}\n", d.id, d.name);
  for (const auto& [k, v] : d.properties) fmt::print("  {:<18} {}\n", k, v);
}

}  // namespace

void add_devices_command(CLI::App& app, Outcome& outcome) {
  auto* cmd = app.add_subcommand(
      "devices", "List the CPU and every CUDA GPU hashflop can use, or why a GPU cannot be used.");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print one JSON object on stdout instead of text");
  cmd->callback([json, &outcome] {
    // Each device's facts, then what the wisdom file says it will choose.
    const auto facts = [](const Backend& b) {
      auto d = b.describe();
      d.gpu.reset();  // the listing is the id, the name and the properties, as it always was
      for (auto& p : b.choice_properties()) d.properties.push_back(std::move(p));
      return d;
    };
    std::vector<results::DeviceRecord> devices{facts(*make_cpu_backend())};
    std::vector<std::string> problems;
    const auto reason = cuda_unavailable_reason();
    if (reason) {
      problems.push_back(*reason);
    } else {
      for (int i = 0; i < cuda_device_count(); ++i) {
        try {
          devices.push_back(facts(*make_cuda_backend(i)));
        } catch (const DeviceError& e) {
          problems.push_back(fmt::format("cuda:{}: {}", i, e.what()));
        }
      }
    }
    if (*json) {
      fmt::print("{}\n", results::devices_listing_json(devices, problems));
    } else {
      for (const auto& d : devices) print_device(d);
      for (const auto& p : problems) fmt::print("cuda: unavailable: {}\n", p);
    }
    outcome.exit_code = exit_code::success;
  });
}

}  // namespace hashflop::cli
