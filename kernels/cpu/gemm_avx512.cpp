// AVX-512 fp32 micro-kernel: 12 rows x 32 columns of C in 24 zmm accumulators.
//
// Why 12 x 32: each k step loads two zmm of B and broadcasts 12 values of A (folded into the
// FMAs as {1to16} memory operands) for 24 FMAs, so loads per FMA are 14/24 and the 24 independent
// accumulators cover the FMA latency (4 cycles) times the issue width many times over. Zen 4
// runs a 512-bit FMA as two 256-bit halves, so the peak equals AVX2's; the gain over 6 x 16 is
// fewer instructions and loads per FLOP. 14 x 32 (28 accumulators) measured no faster and
// leaves GCC too few registers; 6 x 32 reloads B twice as often.
//
// Loop order (SliverInL1::a, gemm_driver.hpp): the 12-row A sliver stays in L1 and the 32-column
// B slivers stream from L2, as BLIS does on Zen 4 with the transposed 32 x 12 tile. At kc = 448
// the A sliver is 21 KiB; with the B sliver resident instead (Goto's order), the 32-wide sliver
// limited kc to 192, and its 24 KiB plus the 9 KiB A sliver overflowed the 32 KiB L1. The deeper
// kc also halves the passes over C. Measured 10-15% faster at 2048^3 on one Zen 4 core
// (docs/performance.md, "CPU GEMM").
#include <immintrin.h>

#include "gemm_driver.hpp"

namespace hashflop::gemm_kernels {
namespace {

struct Avx512Kernel {
  static constexpr int mr = avx512_tile.mr;
  static constexpr int nr = avx512_tile.nr;
  static constexpr SliverInL1 l1 = avx512_tile.l1;

  static void tile(int64_t kb, const float* __restrict a, const float* __restrict b, float* c,
                   int64_t ldc, const float* scale) {
    __m512 lo[mr], hi[mr];
#pragma GCC unroll 16
    for (int i = 0; i < mr; ++i) lo[i] = hi[i] = _mm512_setzero_ps();
    for (int64_t p = 0; p < kb; ++p) {
      const __m512 b0 = _mm512_load_ps(b);
      const __m512 b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 16
      for (int i = 0; i < mr; ++i) {
        const __m512 ai = _mm512_set1_ps(a[i]);
        lo[i] = _mm512_fmadd_ps(ai, b0, lo[i]);
        hi[i] = _mm512_fmadd_ps(ai, b1, hi[i]);
      }
      a += mr;
      b += nr;
    }
    const __m512 va = _mm512_set1_ps(scale[0]);
    const __m512 vb = _mm512_set1_ps(scale[1]);
#pragma GCC unroll 16
    for (int i = 0; i < mr; ++i) {
      float* row = c + i * ldc;
      __m512 r0 = _mm512_mul_ps(va, lo[i]);
      __m512 r1 = _mm512_mul_ps(va, hi[i]);
      if (scale[1] != 0.0f) {  // beta == 0 must not read C: it may hold NaN
        r0 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row), r0);
        r1 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row + 16), r1);
      }
      _mm512_storeu_ps(row, r0);
      _mm512_storeu_ps(row + 16, r1);
    }
  }
};

}  // namespace

void sgemm_range_avx512(const SgemmProblem& pr, const GemmBlocking& blk, const GemmRange& r,
                        float* workspace) {
  detail::sgemm_range<Avx512Kernel>(pr, blk, r, workspace);
}

}  // namespace hashflop::gemm_kernels
