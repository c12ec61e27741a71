// What the harness measures: anything bound to one device that can prove itself correct, then
// do as much work as it can in a window and count it exactly. A backend hands out its device's
// workloads (sha256d; GEMM for every variant and dtype the device runs; the transformer's phases,
// after a plain memory copy on a CPU), already bound to that device.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/device_ref.hpp"
#include "common/record.hpp"
#include "common/verdict.hpp"
#include "common/workload_kind.hpp"
#include "gemm/gemm_variants.hpp"
#include "mine/mine_types.hpp"
#include "model/model_presets.hpp"
#include "model/transformer_shapes.hpp"
#include "results/result.hpp"
#include "tune/tune_settings.hpp"

namespace hashflop::cpu {
struct Sha256dVariant;
}

namespace hashflop::workload {

class Workload {
 public:
  virtual ~Workload() = default;
  virtual WorkloadKind workload() const = 0;
  virtual std::string variant() const = 0;
  virtual std::string work_unit() const = 0;  ///< hash, flop, token or byte (memory copy)
  /// What it measures, as the run's `params` (docs/results-schema.md).
  virtual Record params() const = 0;
  /// The device every call runs on.
  virtual DeviceRef device() const = 0;
  /// Checks the result on known data before anything is measured.
  virtual Check verify() = 0;
  /// Works until `duration` has passed or `stop` is set; returns the exact work done (hashes
  /// tested, products x 2MNK, model tokens or bytes copied). Throws Error when the work went
  /// wrong (e.g. a kernel mismatch).
  virtual double run(std::chrono::duration<double> duration, const std::atomic<bool>& stop) = 0;
  /// Checks a result of the measured windows themselves, after the last one (outside every
  /// window, so its time and energy are not charged). nullopt: nothing to check here, e.g.
  /// sha256d, which re-checks every candidate inside run().
  virtual std::optional<Check> verify_measured() { return std::nullopt; }
  /// Checks what can be checked before anything is measured (that its memory fits): throws
  /// UsageError, so a run fails in its first second rather than after the other workloads.
  virtual void check() {}
  /// How its variant and settings were chosen (calibration, wisdom, --variant or CPUID), for
  /// the results file; nullopt: nothing was chosen (every variant of the kind runs).
  virtual std::optional<results::Selection> selection() const { return std::nullopt; }
};

/// The transformer workload's model and phases (model/transformer_shapes.hpp).
struct TransformerPlan {
  std::string model{model::default_model};
  /// Default: prefill 1x2048 and 8x512, decode at batch 1, 8, 64 and 256 against 2048 tokens.
  std::vector<model::Phase> phases = default_phases();

  static std::vector<model::Phase> default_phases() {
    auto p = model::parse_prefill_list("1x2048,8x512");
    for (auto& d : model::parse_decode_list("1,8,64,256", 2048)) p.push_back(d);
    return p;
  }
};

/// What a run asks a device for.
struct WorkloadPlan {
  std::vector<WorkloadKind> kinds{WorkloadKind::sha256d, WorkloadKind::gemm};  ///< in run order
  unsigned threads = 0;              ///< CPU threads; 0: all logical cores
  std::optional<int64_t> gemm_size;  ///< M = N = K; nullopt: gemm_size_on()'s default
  TransformerPlan transformer;
  /// Read and update the wisdom file when choosing kernels (false: --no-wisdom).
  bool use_wisdom = true;
  /// Where a device says what it calibrated or took from wisdom; may be empty.
  std::function<void(const std::string&)> log;

  /// How its tuned workloads choose: wisdom as use_wisdom says, calibrating when it has no
  /// answer, saying so through `log`.
  tune::TuneSettings tune_settings() const {
    tune::TuneSettings settings;
    settings.use_wisdom = use_wisdom;
    settings.log = log;
    return settings;
  }

  /// From a comma-separated list such as "sha256d,gemm"; throws UsageError for a name the
  /// registry does not know, listing the ones it does.
  static WorkloadPlan parse(std::string_view list);
  bool wants(WorkloadKind kind) const;
  int64_t gemm_size_on(DeviceKind kind) const {
    return gemm_size.value_or(kind == DeviceKind::cuda ? gemm::default_gpu_run_size
                                                       : gemm::default_size);
  }
};

/// A tiled GEMM variant's blocking for a shape and dtype, and how it was chosen.
struct GemmTuning {
  gemm_kernels::GemmBlocking blocking;
  results::Selection selection;
};

/// One kind of workload: its name on the command line and what it makes for a device (nothing
/// when the device cannot run it).
struct WorkloadEntry {
  WorkloadKind kind;
  std::vector<std::unique_ptr<Workload>> (*make)(DeviceRef device, const WorkloadPlan& plan);
};

/// Every kind of workload (registry.cpp); adding one is its file plus one line there.
std::span<const WorkloadEntry> workload_registry();

/// The workloads `plan` names, in its order, as `device` runs them. A tuned workload chooses
/// its kernel or settings here (tune/chooser.hpp: wisdom, else a calibration), before any
/// window.
std::vector<std::unique_ptr<Workload>> make_workloads(const WorkloadPlan& plan, DeviceRef device);

/// Nonce search on the CPU with `variant` and `threads` (0: all); `selection` says how the
/// variant was chosen, for the results file.
std::unique_ptr<Workload> make_cpu_sha256d(const cpu::Sha256dVariant& variant, unsigned threads,
                                           std::optional<results::Selection> selection = {});
/// As above with the variant chosen under `settings` (tune/cpu_sha256d_choice.hpp), calibrated
/// on the header and target the workload searches.
std::unique_ptr<Workload> make_cpu_sha256d(unsigned threads, const tune::TuneSettings& settings);
/// Nonce search on CUDA device `device` with the kernel and geometry chosen under `settings`
/// (tune/cuda_sha256d_choice.hpp: wisdom, else the autotuner, on the header it searches).
/// Throws DeviceError in a build without CUDA.
std::unique_ptr<Workload> make_cuda_sha256d(int device, const tune::TuneSettings& settings);

/// Back-to-back products of `variant` at `size` (M = N = K) on `device`, operands rotated
/// through enough sets to overflow the device's cache. Throws DeviceError when the variant
/// cannot compute `dtype` there.
/// `tuning`: a tiled CPU variant's blocking and how it was chosen (for the results file);
/// nullopt: the cache-size formula.
std::unique_ptr<Workload> make_gemm(const gemm::GemmVariant& variant, gemm::Dtype dtype,
                                    int64_t size, unsigned threads, DeviceRef device,
                                    std::optional<GemmTuning> tuning = std::nullopt);
/// One GEMM workload per variant of `registry` that runs on `device`'s kind, for each dtype it
/// computes there. With `tuning`, the tiled CPU variants' block sizes are chosen under it
/// (tune/cpu_gemm_choice.hpp); without, the cache-size formula.
std::vector<std::unique_ptr<Workload>> make_gemm_workloads(
    DeviceRef device, int64_t size, unsigned threads,
    std::span<const gemm::GemmVariant> registry = gemm::gemm_variants(),
    const tune::TuneSettings* tuning = nullptr);

/// The transformer workload on `device`: first a plain memory copy (the memory ceiling,
/// measured in the same run: memcpy on a CPU, a device-to-device copy on a GPU), then one
/// workload per phase of `plan`, sharing the model's layer weight sets. Throws UsageError for an
/// unknown model, listing the presets.
std::vector<std::unique_ptr<Workload>> make_transformer_workloads(DeviceRef device,
                                                                  const TransformerPlan& plan,
                                                                  unsigned threads);
/// As above for a preset given directly (tests use small made-up models).
std::vector<std::unique_ptr<Workload>> make_transformer_workloads(
    DeviceRef device, const model::ModelPreset& model, const std::vector<model::Phase>& phases,
    unsigned threads);
/// A plain multi-threaded memory copy on the CPU (bytes read plus written per second).
std::unique_ptr<Workload> make_memcopy(unsigned threads);
/// A device-to-device copy on CUDA device `device` (bytes read plus written per second): the
/// GPU's memory ceiling. Throws DeviceError in a build without CUDA.
std::unique_ptr<Workload> make_cuda_memcopy(int device);

}  // namespace hashflop::workload
