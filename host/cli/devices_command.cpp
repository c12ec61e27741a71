#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backend/backend.hpp"
#include "cli/commands.hpp"
#include "common/error.hpp"

namespace hashflop::cli {
namespace {

nlohmann::json to_json(const DeviceInfo& d) {
  nlohmann::json props = nlohmann::json::object();
  for (const auto& [k, v] : d.properties) props[k] = v;
  return {{"id", d.id}, {"name", d.name}, {"properties", props}};
}

void print_device(const DeviceInfo& d) {
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
      DeviceInfo d = b.info();
      for (auto& p : b.choice_properties()) d.properties.push_back(std::move(p));
      return d;
    };
    std::vector<DeviceInfo> devices{facts(*make_cpu_backend())};
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
      nlohmann::json out{{"devices", nlohmann::json::array()}, {"cuda_unavailable", problems}};
      for (const auto& d : devices) out["devices"].push_back(to_json(d));
      fmt::print("{}\n", out.dump(2));
    } else {
      for (const auto& d : devices) print_device(d);
      for (const auto& p : problems) fmt::print("cuda: unavailable: {}\n", p);
    }
    outcome.exit_code = exit_code::success;
  });
}

}  // namespace hashflop::cli
