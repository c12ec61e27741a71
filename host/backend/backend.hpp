// A compute device: the CPU, or one CUDA GPU. It owns what runs on it: its nonce search, the
// workloads it hands out (already bound to it) and its energy meter. The session and the CLI
// talk to devices only through this.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/device_ref.hpp"
#include "energy/energy_meter.hpp"
#include "mine/mine_types.hpp"
#include "results/result.hpp"
#include "tune/tune_settings.hpp"
#include "workload/workload.hpp"

namespace hashflop {

/// A device as named on the command line: auto, cpu, or cuda:N.
struct DeviceSpec {
  enum class Kind { automatic, cpu, cuda };
  Kind kind = Kind::automatic;
  int index = 0;

  /// Throws UsageError for anything but auto, cpu, cuda or cuda:N.
  static DeviceSpec parse(std::string_view text);
};

struct DeviceInfo {
  std::string id;    ///< "cpu" or "cuda:N"
  std::string name;  ///< model name
  /// Ordered facts for `hashflop devices` and results files (cores, clocks, versions...).
  std::vector<std::pair<std::string, std::string>> properties;

  /// The value of property `key`, or an empty string.
  std::string property(std::string_view key) const;
};

/// What `hashflop tune` measured for the nonce search: every candidate's rate, and the name of
/// what runs use when nothing has been calibrated (the CPUID variant; on a GPU, the first kernel
/// at the occupancy API's geometry, which the trials may not include).
struct Sha256dTuning {
  results::Selection selection;
  std::string uncalibrated;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const DeviceInfo& info() const = 0;
  virtual DeviceRef ref() const = 0;
  /// Searches request's range; candidates are re-verified on the host before they are reported.
  virtual MineResult mine(const MineRequest& request) = 0;
  /// The sha256d variants this device can run, fastest last.
  virtual std::vector<std::string> mine_variants() const = 0;
  /// The workloads `plan` asks for, as this device runs them, each bound to it (the registry,
  /// workload/workload.hpp: a device adds nothing of its own).
  std::vector<std::unique_ptr<workload::Workload>> workloads(const workload::WorkloadPlan& plan) {
    return workload::make_workloads(plan, ref());
  }
  /// The device's energy meter: `assume_watts` when given, else its own source, else a meter
  /// that measures nothing and says why.
  virtual std::unique_ptr<energy::EnergyMeter> open_meter(std::optional<double> assume_watts) = 0;
  /// The device's entry in a results file's `devices`.
  virtual results::DeviceRecord describe() const;
  /// What the wisdom file says this device's runs will choose, for `hashflop devices`: reads the
  /// file (and, for a GPU, NVML for the driver's version) and measures nothing. Not part of
  /// info(), so that opening a device for a run costs neither; each run records its own choice.
  virtual std::vector<std::pair<std::string, std::string>> choice_properties() const = 0;
  /// `hashflop tune`: times every sha256d kernel (on a GPU, every kernel and launch geometry)
  /// on the genesis search at `threads` (CPU only), whatever the wisdom file says, and keeps the
  /// fastest there unless settings.use_wisdom is false.
  virtual Sha256dTuning tune_sha256d(unsigned threads, const tune::TuneSettings& settings) = 0;
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
