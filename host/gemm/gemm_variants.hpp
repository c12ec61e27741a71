// The registry of GEMM variants. Adding one means its kernel plus one line in a registry table:
// gemm_variants.cpp for the CPU, cuda_gemm_variants.cpp for CUDA (docs/architecture.md has the
// recipes). The workloads, the CLI, the tests and the benchmarks iterate the registry. GPU
// entries have device = DeviceKind::cuda; their executors keep the operands in device memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "gemm/gemm_types.hpp"
#include "gemm_cpu.hpp"

namespace hashflop::gemm {

/// One product's operands in host memory, row-major and dense (fp32 elements).
struct HostOperands {
  const float* a = nullptr;
  const float* b = nullptr;
  float* c = nullptr;
};

/// The problem a variant is prepared for.
struct GemmProblemSpec {
  GemmShape shape;
  Dtype dtype = Dtype::fp32;
  float alpha = 1.0f, beta = 0.0f;
  unsigned threads = 0;  ///< CPU threads; 0: all logical cores
  /// The device the executor runs on. A CUDA executor makes it current on every call, so the
  /// product never lands on whatever device the calling thread had current.
  DeviceRef device;
  /// A tiled CPU variant's cache blocking (calibrated, from wisdom or forced); nullopt: the
  /// cache-size formula (cpu_blocking). Ignored by the other variants.
  std::optional<gemm_kernels::GemmBlocking> blocking;
};

/// A cache-blocked CPU kernel: what calibrating its block sizes needs to run it directly.
struct TiledCpuKernel {
  gemm_kernels::SgemmRangeFn range;
  gemm_kernels::MicroTile tile;
};

/// A variant prepared for one problem: it owns its device buffers and workspace. The runner
/// binds the operand sets once, then times run() calls between synchronize() calls.
class GemmExecutor {
 public:
  virtual ~GemmExecutor() = default;
  /// Makes the sets available to run() (a GPU executor copies them to the device here).
  virtual void bind(std::span<const HostOperands> sets) = 0;
  /// Computes C = alpha A B + beta C for bound set `index`; may return before it completes.
  virtual void run(size_t index) = 0;
  /// Computes bound sets first .. first + count - 1, in as few launches as the executor can
  /// (max_batch() sets each); may return before they complete. The default runs them one by
  /// one.
  virtual void run_batch(size_t first, size_t count) {
    for (size_t i = 0; i < count; ++i) run(first + i);
  }
  /// The most consecutive sets one launch of run_batch() computes: 1 unless the executor
  /// batches (cuBLAS's strided-batched GEMM).
  virtual int64_t max_batch() const { return 1; }
  /// Waits for every run() so far.
  virtual void synchronize() {}
  /// Makes set `index`'s C current in host memory (a GPU executor copies it back).
  virtual void fetch_c(size_t /*index*/) {}
  /// Settings worth recording, e.g. the cache blocking, as "key=value" text.
  virtual std::string settings() const { return {}; }
  /// Bytes of the cache the rotated operand sets must overflow: a GPU executor reports its
  /// device's L2. 0 (the default): the CPU's last-level cache.
  virtual uint64_t cache_bytes() const { return 0; }
  /// Throws UsageError, with the bytes needed and available, when `sets` operand sets cannot
  /// fit in the device's memory; call before anything is allocated. The default (host memory)
  /// has nothing beyond check_gemm_fits.
  virtual void check_memory(size_t /*sets*/) const {}
  /// Marks the start of a timed batch of run() calls on the device's own clock (a GPU executor
  /// records a CUDA event). The default does nothing.
  virtual void start_timer() {}
  /// Waits for the batch and returns the device-measured seconds since start_timer(), or
  /// nullopt when the executor has no device clock (the runner then times with the host's).
  virtual std::optional<double> stop_timer() { return std::nullopt; }
};

struct GemmVariant {
  std::string_view name;
  std::string_view impl;  ///< "tiled" (ours) or "vendor" (OpenBLAS, cuBLAS)
  DeviceKind device;
  std::string_view description;
  /// The dtypes it computes: bit (1 << int(Dtype)) per dtype; see dtype_bit().
  unsigned dtypes;
  /// Why it cannot run on this machine at all (a missing instruction set or library), or an
  /// empty string. nullptr: nothing to check.
  std::string (*missing)();
  /// An executor for `spec`, on spec.device. Throws DeviceError when the device fails.
  std::unique_ptr<GemmExecutor> (*prepare)(const GemmProblemSpec& spec);
  /// Part of the square GEMM benchmark (`run`'s gemm workload, `hashflop gemm` without
  /// --variant). False for kernels built for skinny products only (transformer decode), which
  /// at 2048^3 run at a tenth of the others and would only add time and rows there.
  bool square = true;
  /// A cache-blocked CPU kernel, whose block sizes calibration can choose; nullptr: none.
  const TiledCpuKernel* tiled = nullptr;

  bool takes(Dtype dtype) const { return (dtypes & dtype_bit(dtype)) != 0; }
  /// Why this variant cannot compute `dtype` here (a dtype it does not take, naming those of
  /// its device that do, or what the machine lacks), or an empty string when it can.
  std::string unavailable(Dtype dtype) const;
};

/// Every variant compiled in, in display order: the CPU table, then the CUDA one.
std::span<const GemmVariant> gemm_variants();

/// The named variant, or nullptr.
const GemmVariant* find_gemm_variant(std::string_view name);

/// The CUDA table (cuda_gemm_variants.cpp); empty in a build without CUDA.
std::span<const GemmVariant> cuda_gemm_variants();

/// Total memory of CUDA device `index` in bytes (cudaMemGetInfo); 0 in a build without CUDA.
uint64_t cuda_device_memory_bytes(int index);

}  // namespace hashflop::gemm
