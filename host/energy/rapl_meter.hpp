// CPU package energy from the Linux powercap RAPL interface:
// <root>/intel-rapl:N/{name,energy_uj,max_energy_range_uj}. Package domains only; the
// sub-domains intel-rapl:N:M (core, uncore, dram) are parts of a package and would double count.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>

#include "energy/energy_meter.hpp"

namespace hashflop::energy {

/// A failed read, with the errno that caused it.
class FileReadError : public std::runtime_error {
 public:
  FileReadError(const std::string& what, int error)
      : std::runtime_error(what), errno_value(error) {}
  int errno_value;
};

/// Reads a whole (small) file; throws FileReadError. A seam: tests inject EACCES with it,
/// since tests run as root, where a mode-000 file is still readable.
using FileReader = std::function<std::string(const std::filesystem::path&)>;
FileReader system_file_reader();

/// The powercap root: $HASHFLOP_POWERCAP_ROOT, else /sys/class/powercap.
std::filesystem::path powercap_root();

/// A meter over every package domain under `root`, or why there is none (no powercap tree, no
/// package domain, or a counter this user may not read, with how to grant access).
std::variant<std::unique_ptr<EnergyMeter>, std::string> open_rapl(
    const std::filesystem::path& root, const FileReader& reader = system_file_reader(),
    std::chrono::milliseconds period = std::chrono::milliseconds(50));

}  // namespace hashflop::energy
