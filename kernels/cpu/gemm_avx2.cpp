// AVX2 + FMA fp32 micro-kernel: 6 rows x 16 columns of C in 12 ymm accumulators.
//
// Why 6 x 16: with 16 ymm registers, 12 accumulators + 2 for the B row + 1 broadcast is the
// largest tile that does not spill. Each k step is 2 loads + 6 broadcasts for 12 FMAs, and 12
// independent chains cover FMA latency (4 cycles) x 2 FMA pipes = 8 in flight.
#include <immintrin.h>

#include "gemm_driver.hpp"

namespace hashflop::gemm_kernels {
namespace {

struct Avx2Kernel {
  static constexpr int mr = avx2_tile.mr;
  static constexpr int nr = avx2_tile.nr;
  static constexpr SliverInL1 l1 = avx2_tile.l1;

  static void tile(int64_t kb, const float* __restrict a, const float* __restrict b, float* c,
                   int64_t ldc, const float* scale) {
    __m256 lo[mr], hi[mr];
#pragma GCC unroll 8
    for (int i = 0; i < mr; ++i) lo[i] = hi[i] = _mm256_setzero_ps();
    for (int64_t p = 0; p < kb; ++p) {
      const __m256 b0 = _mm256_load_ps(b);
      const __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 8
      for (int i = 0; i < mr; ++i) {
        const __m256 ai = _mm256_broadcast_ss(a + i);
        lo[i] = _mm256_fmadd_ps(ai, b0, lo[i]);
        hi[i] = _mm256_fmadd_ps(ai, b1, hi[i]);
      }
      a += mr;
      b += nr;
    }
    const __m256 va = _mm256_set1_ps(scale[0]);
    const __m256 vb = _mm256_set1_ps(scale[1]);
#pragma GCC unroll 8
    for (int i = 0; i < mr; ++i) {
      float* row = c + i * ldc;
      __m256 r0 = _mm256_mul_ps(va, lo[i]);
      __m256 r1 = _mm256_mul_ps(va, hi[i]);
      if (scale[1] != 0.0f) {  // beta == 0 must not read C: it may hold NaN
        r0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), r0);
        r1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), r1);
      }
      _mm256_storeu_ps(row, r0);
      _mm256_storeu_ps(row + 8, r1);
    }
  }
};

}  // namespace

void sgemm_range_avx2(const SgemmProblem& pr, const GemmBlocking& blk, const GemmRange& r,
                      float* workspace) {
  detail::sgemm_range<Avx2Kernel>(pr, blk, r, workspace);
}

}  // namespace hashflop::gemm_kernels
