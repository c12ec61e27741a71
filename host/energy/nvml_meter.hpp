// GPU energy from NVML, loaded at run time with dlopen (no link-time dependency on the driver).
// The total-energy counter (mJ) is the primary source; a polling thread records power, SM and
// memory clocks, temperature and clock-event reasons. Without the counter, energy is polled
// power integrated over time, and the method says so.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "energy/energy_meter.hpp"

namespace hashflop::energy {

/// $HASHFLOP_NVML_LIBRARY, else libnvidia-ml.so.1.
std::string nvml_library_path();

/// A meter for the GPU at PCI bus id `bus_id` (as cudaDeviceGetPCIBusId gives it), or why
/// there is none (library missing, init failed, no such device, no energy or power reading).
std::variant<std::unique_ptr<EnergyMeter>, std::string> open_nvml(
    const std::string& bus_id, const std::string& library = nvml_library_path(),
    std::chrono::milliseconds period = std::chrono::milliseconds(50));

/// Facts NVML knows about the device, for the results file: the enforced power limit in W.
std::optional<double> nvml_power_limit_watts(const std::string& bus_id,
                                             const std::string& library = nvml_library_path());
/// The installed driver's version ("580.65.06"); nullopt without NVML.
std::optional<std::string> nvml_driver_version(const std::string& library = nvml_library_path());

}  // namespace hashflop::energy
