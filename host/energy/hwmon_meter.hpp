// CPU power from Linux hwmon, for hosts without RAPL. NVIDIA Grace (GH200, GB200, GB300)
// reports power through ACPI power meters (hwmon name "power_meter"), one per sensor and socket,
// each labelled in power1_oem_info: "Module Power Socket N" (the whole superchip module, its GPU
// included), "Grace Power Socket N" (the Grace socket), "CPU Power Socket N" (the cores' rail)
// and "SysIO Power Socket N" (the SoC rail). The meter sums the Grace socket sensors, or the
// CPU rail sensors where there are none; never the module, which would count the GPU.
//
// These sensors give power (power1_average, microwatts, averaged by the firmware over
// power1_average_interval ms), not energy: joules are the polled power integrated over time,
// an estimate, and the method says so ("hwmon-power-integral").
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "energy/energy_meter.hpp"
#include "energy/rapl_meter.hpp"  // FileReader

namespace hashflop::energy {

/// The hwmon root: $HASHFLOP_HWMON_ROOT, else /sys/class/hwmon.
std::filesystem::path hwmon_root();

/// A meter over the Grace socket (else CPU rail) power sensors under `root`, or why there is
/// none (no hwmon tree, no such sensor, an unreadable one).
std::variant<std::unique_ptr<EnergyMeter>, std::string> open_hwmon(
    const std::filesystem::path& root, const FileReader& reader = system_file_reader(),
    std::chrono::milliseconds period = std::chrono::milliseconds(50));

}  // namespace hashflop::energy
