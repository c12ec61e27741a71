#include "energy/open_meter.hpp"

#include <variant>

#include "energy/hwmon_meter.hpp"
#include "energy/nvml_meter.hpp"
#include "energy/rapl_meter.hpp"

namespace hashflop::energy {

std::unique_ptr<EnergyMeter> open_for(const MeterTarget& device,
                                      std::optional<double> assume_watts) {
  if (assume_watts) return make_assumed_meter(*assume_watts, "not measured");
  std::variant<std::unique_ptr<EnergyMeter>, std::string> opened;
  if (device.kind == DeviceKind::cuda) {
    opened = device.pci_bus_id.empty() ? std::string("the CUDA device reports no PCI bus id")
                                       : open_nvml(device.pci_bus_id);
  } else {
    // RAPL, else hwmon: Arm CPUs have no RAPL, and Grace reports its socket power there.
    opened = open_rapl(powercap_root());
    if (const auto* no_rapl = std::get_if<std::string>(&opened)) {
      auto hwmon = open_hwmon(hwmon_root());
      if (const auto* no_hwmon = std::get_if<std::string>(&hwmon))
        hwmon = *no_rapl + "; " + *no_hwmon;
      opened = std::move(hwmon);
    }
  }
  if (auto* meter = std::get_if<std::unique_ptr<EnergyMeter>>(&opened)) return std::move(*meter);
  return make_none_meter(std::get<std::string>(opened));
}

}  // namespace hashflop::energy
