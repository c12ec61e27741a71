// Which device a piece of work or a meter belongs to: the CPU, or CUDA device N. Small and
// dependency-free, so every layer can carry it down to where a device is selected.
#pragma once

#include <string>

namespace hashflop {

enum class DeviceKind { cpu, cuda };

struct DeviceRef {
  DeviceKind kind = DeviceKind::cpu;
  int index = 0;  ///< the CUDA device ordinal; 0 for the CPU

  /// "cpu" or "cuda:N", as the command line and results files spell it.
  std::string id() const {
    return kind == DeviceKind::cpu ? std::string("cpu") : "cuda:" + std::to_string(index);
  }
  friend bool operator==(const DeviceRef&, const DeviceRef&) = default;
};

}  // namespace hashflop
