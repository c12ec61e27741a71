// Runs a GEMM variant the way every number hashflop reports is produced: fresh random inputs,
// a NaN-poisoned C, one verified warm-up, then timed repetitions that rotate through enough
// operand sets to overflow the last-level cache.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "gemm/gemm_types.hpp"
#include "gemm/gemm_variants.hpp"

namespace hashflop::gemm {

struct GemmRunRequest {
  GemmShape shape;
  Dtype dtype = Dtype::fp32;
  float alpha = 1.0f, beta = 0.0f;
  unsigned threads = 0;  ///< 0: all logical cores
  int repetitions = 5;
  uint64_t seed = 0;  ///< 0: a fresh seed from std::random_device
};

struct GemmRunResult {
  std::string variant, impl, device, dtype, settings;
  GemmShape shape;
  unsigned threads = 0;
  double seconds = 0;  ///< median seconds per product over the repetitions
  double flops_per_second = 0;
  std::vector<double> samples;  ///< seconds per product, one per repetition
  int input_sets = 0;
  double rel_error = 0, tolerance = 0;
  Verification verification = Verification::not_verified;
  std::string verify_method;
  std::string reason;  ///< why not_supported (or what went wrong)
};

/// Bytes of host memory `run_gemm` allocates for `request` (operand sets, the saved C and the
/// reference's scratch), with enough sets to overflow a cache of `cache_bytes` (0: the CPU's
/// last-level cache; a GPU executor reports its L2). Overflow-safe: saturates at UINT64_MAX.
uint64_t gemm_bytes_needed(const GemmRunRequest& request, uint64_t cache_bytes = 0);

/// Memory the kernel reports available (MemAvailable, else free pages), in bytes.
uint64_t available_memory_bytes();

/// Throws UsageError naming bytes needed and available when the request cannot fit; call it
/// before anything is allocated.
void check_gemm_fits(const GemmRunRequest& request, uint64_t cache_bytes = 0);

/// Verifies then times `variant` on `request`. A variant that cannot run the dtype here comes
/// back as not_supported with the reason, never as an exception.
GemmRunResult run_gemm(const GemmVariant& variant, const GemmRunRequest& request);

/// Sustained load for an energy measurement: runs products back to back, rotating the operand
/// sets, until `duration` has passed (at least one product).
struct SustainedGemm {
  uint64_t products = 0;
  double flops = 0;    ///< exactly products * 2 m n k
  double seconds = 0;  ///< monotonic time from first launch to last completion
};
SustainedGemm run_gemm_for(std::chrono::duration<double> duration, const GemmVariant& variant,
                           const GemmRunRequest& request);

}  // namespace hashflop::gemm
