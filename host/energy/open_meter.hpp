// Which meter measures a device: the one place that decides. NVML for a CUDA GPU (matched by
// PCI bus id), RAPL for the CPU, a constant for --assume-watts, and otherwise a "none" meter
// that carries the reason, so callers always get a meter.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/device_ref.hpp"
#include "energy/energy_meter.hpp"

namespace hashflop::energy {

/// What a meter needs to know about its device.
struct MeterTarget {
  DeviceKind kind = DeviceKind::cpu;
  std::string pci_bus_id;  ///< CUDA devices: as cudaDeviceGetPCIBusId gives it
};

/// The meter for `device`: `assume_watts` when given (every figure then marked assumed), else
/// the device's own source, else a none meter whose unavailable_reason() says why.
std::unique_ptr<EnergyMeter> open_for(const MeterTarget& device,
                                      std::optional<double> assume_watts = std::nullopt);

}  // namespace hashflop::energy
