// Names and value types shared by every GEMM variant, the runner and the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/device_ref.hpp"
#include "common/verdict.hpp"

namespace hashflop::gemm {

/// Element type of A and B as the variant computes with them; C and accumulation are fp32.
enum class Dtype { fp32, tf32, bf16, fp16 };

/// Throws UsageError for anything but fp32, tf32, bf16 or fp16.
Dtype parse_dtype(std::string_view text);
std::string_view dtype_name(Dtype dtype);
/// The dtype's bit in a variant's set of dtypes (GemmVariant::dtypes).
constexpr unsigned dtype_bit(Dtype dtype) {
  return 1u << static_cast<unsigned>(dtype);
}
/// Every dtype, in display order.
inline constexpr Dtype all_dtypes[] = {Dtype::fp32, Dtype::tf32, Dtype::bf16, Dtype::fp16};

/// Bytes of one A or B element as the device holds it: 2 for bf16/fp16, 4 for fp32/tf32 (tf32
/// is fp32 storage with reduced-precision multiplies). C is always fp32.
int element_bytes(Dtype dtype);

/// C (m x n) = alpha * A (m x k) * B (k x n) + beta * C, all row-major and dense.
struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
  /// 2 m n k: one multiply and one add per inner-product term.
  double flops() const {
    return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  }
  std::string str() const;
};

/// M = N = K when none is given: `gemm` (on any device), `tune`'s block-size calibration and
/// `run` on a CPU; one size, so the blocking `tune` stores is the one the others find in wisdom.
inline constexpr int64_t default_size = 2048;
/// `run`'s GEMM on a GPU, where a 2048^3 product takes a fraction of a millisecond.
inline constexpr int64_t default_gpu_run_size = 8192;

/// Relative Frobenius error bound the dtype must meet for a depth-k product (see gemm_types.cpp).
double tolerance(Dtype dtype, int64_t k);

}  // namespace hashflop::gemm
