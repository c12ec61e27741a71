// A compute device: the CPU, or one CUDA GPU. The CLI and the harness talk only to this.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mine/mine_types.hpp"

namespace hashflop {

/// A device as named on the command line: auto, cpu, or cuda:N.
struct DeviceSpec {
  enum class Kind { automatic, cpu, cuda };
  Kind kind = Kind::automatic;
  int index = 0;

  /// Throws UsageError for anything but auto, cpu, cuda or cuda:N.
  static DeviceSpec parse(std::string_view text);
  std::string str() const;
};

struct DeviceInfo {
  std::string id;    ///< "cpu" or "cuda:N"
  std::string name;  ///< model name
  /// Ordered facts for `hashflop devices` and results files (cores, clocks, versions...).
  std::vector<std::pair<std::string, std::string>> properties;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const DeviceInfo& info() const = 0;
  /// Searches request's range; candidates are re-verified on the host before they are reported.
  virtual MineResult mine(const MineRequest& request) = 0;
  /// The sha256d variants this device can run, fastest last.
  virtual std::vector<std::string> mine_variants() const = 0;
};

std::unique_ptr<Backend> make_cpu_backend();

/// Why the CUDA backend cannot be used, or nullopt when at least one device is usable.
std::optional<std::string> cuda_unavailable_reason();
int cuda_device_count();
/// Throws DeviceError with the reason when the device cannot be opened.
std::unique_ptr<Backend> make_cuda_backend(int index);

/// Resolves auto (the first GPU, else the CPU) and opens the device. Throws DeviceError.
std::unique_ptr<Backend> open_backend(const DeviceSpec& spec);

}  // namespace hashflop
