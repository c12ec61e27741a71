// --device as every command that opens a device takes it: what the words mean is
// backend/device_spec.cpp's, and open_backend's "auto" is the same for all of them.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace hashflop::cli {

/// Adds --device, bound to `device` (its initial value is the default shown). `more`: the
/// devices this command takes beyond auto, cpu and cuda:N (`run`'s fleets), ending the list.
inline CLI::Option* add_device_option(CLI::App& cmd, std::string& device,
                                      std::string_view more = {}) {
  std::string help = "auto (the first GPU, else the CPU), cpu, ";
  help += more.empty() ? "or cuda:N" : "cuda:N, " + std::string(more);
  return cmd.add_option("--device", device, help)->capture_default_str();
}

}  // namespace hashflop::cli
