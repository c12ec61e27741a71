// AArch64 NEON fp32 micro-kernel: 8 rows x 12 columns of C in 24 q-register accumulators.
//
// Why 8 x 12: AArch64 has 32 vector registers; 24 accumulators + 3 for the B row + 2 for the A
// column is the largest tile that does not spill. Each k step is 5 loads for 24 FMAs, every
// FMA taking its A value as a lane of a register (fmla by element), so A needs no broadcasts.
// 24 independent chains cover a 4-cycle FMA latency on 4 FP pipes (Neoverse V2) 1.5 times.
// Advanced SIMD, FMA included, is in the AArch64 base architecture: no run-time check.
#include <arm_neon.h>

#include <utility>

#include "gemm_driver.hpp"

namespace hashflop::gemm_kernels {
namespace {

struct NeonKernel {
  static constexpr int mr = neon_tile.mr;
  static constexpr int nr = neon_tile.nr;
  static constexpr SliverInL1 l1 = neon_tile.l1;
  static constexpr int q_per_row = nr / 4;
  static_assert(mr == 8 && nr == 12, "the k loop below is written for an 8 x 12 tile");

  using Accumulators = float32x4_t[mr][q_per_row];

  // Row I of the tile; its A value is lane I % 4 of the low or high half of the A column. The
  // lane must be an immediate, hence a template parameter.
  template <int I>
  static void fma_row(Accumulators& acc, const float32x4_t (&b)[q_per_row], float32x4_t a_lo,
                      float32x4_t a_hi) {
    const float32x4_t a = I < 4 ? a_lo : a_hi;
    for (int j = 0; j < q_per_row; ++j) acc[I][j] = vfmaq_laneq_f32(acc[I][j], b[j], a, I % 4);
  }

  template <int... Is>
  static void fma_rows(Accumulators& acc, const float32x4_t (&b)[q_per_row], float32x4_t a_lo,
                       float32x4_t a_hi, std::integer_sequence<int, Is...>) {
    (fma_row<Is>(acc, b, a_lo, a_hi), ...);
  }

  static void tile(int64_t kb, const float* __restrict a, const float* __restrict b, float* c,
                   int64_t ldc, const float* scale) {
    Accumulators acc;
#pragma GCC unroll 8
    for (int i = 0; i < mr; ++i) {
      for (int j = 0; j < q_per_row; ++j) acc[i][j] = vdupq_n_f32(0.0f);
    }
    for (int64_t p = 0; p < kb; ++p) {
      const float32x4_t row[q_per_row] = {vld1q_f32(b), vld1q_f32(b + 4), vld1q_f32(b + 8)};
      fma_rows(acc, row, vld1q_f32(a), vld1q_f32(a + 4), std::make_integer_sequence<int, mr>{});
      a += mr;
      b += nr;
    }
    const float alpha = scale[0];
    const float beta = scale[1];
#pragma GCC unroll 8
    for (int i = 0; i < mr; ++i) {
      float* out = c + i * ldc;
      for (int j = 0; j < q_per_row; ++j) {
        float32x4_t r = vmulq_n_f32(acc[i][j], alpha);
        if (beta != 0.0f) r = vfmaq_n_f32(r, vld1q_f32(out + 4 * j), beta);  // C may hold NaN
        vst1q_f32(out + 4 * j, r);
      }
    }
  }
};

}  // namespace

void sgemm_range_neon(const SgemmProblem& pr, const GemmBlocking& blk, const GemmRange& r,
                      float* workspace) {
  detail::sgemm_range<NeonKernel>(pr, blk, r, workspace);
}

}  // namespace hashflop::gemm_kernels
