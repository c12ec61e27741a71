// Where a CUDA GEMM executor's operand sets sit in its one device allocation (the arena): all
// the A matrices, then all the B, then all the C, each set at a fixed stride, so consecutive
// sets form one strided batch that a single launch can compute (cuBLAS's strided-batched
// GEMM), and binding costs one cudaMalloc instead of three per set. Host-compiled, so the
// sizes and strides are tested without a GPU.
#pragma once

#include <cstddef>
#include <cstdint>

#include "gemm/gemm_types.hpp"

namespace hashflop::gemm {

/// Every region and every set starts on this many bytes, as a cudaMalloc of its own would.
inline constexpr uint64_t device_set_alignment = 256;

/// Leading dimension of a bf16/fp16 row of `cols` elements in device memory: a multiple of 8
/// (the CUDA kernels' cuda::half_padded_ld, which the executor asserts is the same).
constexpr int64_t half_row_ld(int64_t cols) {
  return (cols + 7) / 8 * 8;
}

struct DeviceOperandLayout {
  bool half = false;                  ///< A and B in bf16/fp16 (padded rows), else fp32
  int64_t lda = 0, ldb = 0, ldc = 0;  ///< in elements
  /// Elements from one set's matrix to the next one's: the matrix, rounded up to the alignment.
  int64_t a_stride = 0, b_stride = 0, c_stride = 0;
  /// Byte offsets in the arena: the A, B and C regions, and the fp32 staging a half-precision
  /// upload converts from (0 bytes when fp32).
  uint64_t a_offset = 0, b_offset = 0, c_offset = 0, staging_offset = 0;
  uint64_t a_bytes = 0, b_bytes = 0, c_bytes = 0, staging_bytes = 0;  ///< each region's size
  uint64_t arena_bytes = 0;  ///< the one allocation: every region, end to end
};

/// The layout of `sets` operand sets of `shape` (A and B at 2 bytes when `half`, else 4; C
/// fp32). Throws UsageError when the sizes overflow 64 bits.
DeviceOperandLayout device_operand_layout(const GemmShape& shape, bool half, size_t sets);

/// Launches one pass of `count` consecutive sets takes when one launch computes at most
/// `max_batch` of them (1: a launch per set).
int64_t launches_for(int64_t count, int64_t max_batch);

}  // namespace hashflop::gemm
