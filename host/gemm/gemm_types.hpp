// Names and value types shared by every GEMM variant, the runner and the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hashflop::gemm {

/// Element type of A and B as the variant computes with them; C and accumulation are fp32.
enum class Dtype { fp32, tf32, bf16, fp16 };

/// Throws UsageError for anything but fp32, tf32, bf16 or fp16.
Dtype parse_dtype(std::string_view text);
std::string_view dtype_name(Dtype dtype);

/// Outcome of checking one product against the fp64 reference.
enum class Verification { passed, incorrect, not_verified, not_supported };
std::string_view verification_name(Verification v);

/// Where a variant runs: the CPU, or a CUDA GPU (variants to come).
enum class DeviceKind { cpu, cuda };

/// C (m x n) = alpha * A (m x k) * B (k x n) + beta * C, all row-major and dense.
struct GemmShape {
  int64_t m = 0, n = 0, k = 0;
  /// 2 m n k: one multiply and one add per inner-product term.
  double flops() const {
    return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  }
  std::string str() const;
};

/// Relative Frobenius error bound the dtype must meet for a depth-k product (see gemm_types.cpp).
double tolerance(Dtype dtype, int64_t k);

}  // namespace hashflop::gemm
