// The registry of GEMM variants. Adding one means its kernel (and, for a new device, its
// executor) plus one line in gemm_variants.cpp; the CLI, the tests and the benchmarks iterate
// the registry. GPU variants (cuBLAS, SIMT tiled, mma.sync, wgmma) are entries with
// device = DeviceKind::cuda whose executor keeps the operands in device memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "gemm/gemm_types.hpp"

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
  /// Waits for every run() so far.
  virtual void synchronize() {}
  /// Makes set `index`'s C current in host memory (a GPU executor copies it back).
  virtual void fetch_c(size_t /*index*/) {}
  /// Settings worth recording, e.g. the cache blocking, as "key=value" text.
  virtual std::string settings() const { return {}; }
  /// Bytes of the cache the rotated operand sets must overflow: a GPU executor reports its
  /// device's L2. 0 (the default): the CPU's last-level cache.
  virtual uint64_t cache_bytes() const { return 0; }
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
  /// Why this variant cannot run `dtype` here (missing instruction set, unsupported dtype), or
  /// an empty string when it can.
  std::string (*unavailable)(Dtype dtype);
  std::unique_ptr<GemmExecutor> (*prepare)(const GemmProblemSpec& spec);
};

/// Every variant compiled in, in display order.
std::span<const GemmVariant> gemm_variants();

/// The named variant, or nullptr.
const GemmVariant* find_gemm_variant(std::string_view name);

/// Names of every variant, comma separated, for help and error text.
std::string gemm_variant_names();

}  // namespace hashflop::gemm
