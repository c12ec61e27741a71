// Runs a GEMM variant the way every number hashflop reports is produced: fresh random inputs,
// a NaN-poisoned C, one verified warm-up, then timed repetitions that rotate through enough
// operand sets to overflow the device's last-level cache.
#pragma once

#include <atomic>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gemm/gemm_reference.hpp"
#include "gemm/gemm_types.hpp"
#include "gemm/gemm_variants.hpp"

namespace hashflop::gemm {

/// What run_gemm is doing, for a progress line on another thread.
struct GemmProgress {
  enum Step { preparing, first_product, warm_product, timing, checking };
  std::atomic<int> step{preparing};
  std::atomic<int> batches_done{0};  ///< timed batches finished
  std::atomic<int> batch{0};         ///< products per timed batch, once known
  /// Seconds per product from the first (verified) one; 0 until it finishes.
  std::atomic<double> seconds_per_product{0};
};

struct GemmRunRequest {
  GemmShape shape;
  Dtype dtype = Dtype::fp32;
  float alpha = 1.0f, beta = 0.0f;
  unsigned threads = 0;  ///< 0: all logical cores
  int repetitions = 5;
  uint64_t seed = 0;  ///< 0: a fresh seed from std::random_device
  DeviceRef device;   ///< where the variant runs (a CUDA variant: which GPU)
  /// A tiled CPU variant's cache blocking; nullopt: the cache-size formula.
  std::optional<gemm_kernels::GemmBlocking> blocking;
  GemmProgress* progress = nullptr;           ///< when set, updated at each step
  const std::atomic<bool>* cancel = nullptr;  ///< when set: stop between timed batches
};

struct GemmRunResult {
  std::string variant, impl, device, dtype, settings;
  GemmShape shape;
  unsigned threads = 0;
  /// The rate (common/measure.hpp): the timed batches' FLOPs over their total seconds, as every
  /// hashflop rate is defined, so `gemm` and the GEMM rows of `run` agree.
  double flops_per_second = 0;
  double seconds = 0;           ///< a statistic beside the rate: the median seconds per product
  std::vector<double> samples;  ///< seconds per product, one per repetition
  int batch = 0;                ///< products timed between two clock readings
  int input_sets = 0;
  double rel_error = 0, tolerance = 0;
  Verdict verification = Verdict::not_verified;
  std::string verify_method;
  std::string reason;        ///< why not_supported (or what went wrong)
  bool interrupted = false;  ///< cancelled: `samples` holds the batches that finished
};

/// The most operand sets ever rotated: for tiny shapes, enough sets to overflow a cache would
/// be thousands of allocations for products that are launch-bound anyway.
inline constexpr int max_input_sets = 64;

/// Operand sets that together overflow a cache of `cache_bytes` (0: the CPU's last-level
/// cache) by half again, with A and B counted at the dtype's element size as the device holds
/// them; at least 2, at most max_input_sets.
int input_sets(const GemmShape& shape, Dtype dtype, uint64_t cache_bytes);

/// Bytes of host memory the sets, the saved C and the reference's scratch take for `request`
/// with enough sets for a cache of `cache_bytes`. Overflow-safe: saturates at UINT64_MAX.
uint64_t gemm_bytes_needed(const GemmRunRequest& request, uint64_t cache_bytes = 0);

/// Memory this process may still allocate, in bytes: common/memory_budget.hpp.
uint64_t available_memory_bytes();

/// Throws UsageError naming bytes needed and available when the request cannot fit; call it
/// before anything is allocated.
void check_gemm_fits(const GemmRunRequest& request, uint64_t cache_bytes = 0);

/// A variant prepared for one problem, its operand sets made (uniform random, C poisoned with
/// NaN when beta is 0) and bound. `hashflop gemm` and the measured GEMM workload both run
/// products through this, so they share the inputs' rules.
class PreparedGemm {
 public:
  /// Throws UsageError when the sets cannot fit in memory (before allocating them), and
  /// DeviceError when the variant cannot be prepared on the device.
  PreparedGemm(const GemmVariant& variant, const GemmRunRequest& request);
  /// With an executor the caller prepared already (see check_fits).
  PreparedGemm(std::unique_ptr<GemmExecutor> executor, const GemmRunRequest& request);
  PreparedGemm(const PreparedGemm&) = delete;  // the executor holds pointers into the sets
  PreparedGemm& operator=(const PreparedGemm&) = delete;

  GemmExecutor& executor() { return *exec_; }
  const GemmExecutor& executor() const { return *exec_; }
  size_t sets() const { return views_.size(); }
  /// Runs set `index` once and waits for it.
  void run_once(size_t index);
  /// Fetches set `index`'s C and checks it against fp64. With beta != 0 only set 0's first
  /// product can be checked (a later one folds in every earlier product).
  VerifyResult check(size_t index, uint64_t salt);

 private:
  GemmRunRequest req_;
  uint64_t seed_;
  std::unique_ptr<GemmExecutor> exec_;
  std::vector<std::vector<float>> a_, b_, c_;
  std::vector<float> c_before_;  // set 0's C before its first product, when beta != 0
  std::vector<HostOperands> views_;
};

/// Prepares `variant`'s executor for `request` and checks that its operand sets fit in host
/// and device memory, allocating none: UsageError with the bytes needed and available if not.
std::unique_ptr<GemmExecutor> check_fits(const GemmVariant& variant, const GemmRunRequest& request);

/// Verifies then times `variant` on `request`. A variant that cannot run the dtype here comes
/// back as not_supported with the reason, never as an exception.
GemmRunResult run_gemm(const GemmVariant& variant, const GemmRunRequest& request);

/// Products to time between two clock readings so that the batch lasts at least
/// `min_batch_seconds`, from the time of one *warm* product (the first, cold one includes
/// module loading and library set-up, and would make the batch too small); at least 1.
int batch_size(double warm_product_seconds, double min_batch_seconds = 0.02);

}  // namespace hashflop::gemm
