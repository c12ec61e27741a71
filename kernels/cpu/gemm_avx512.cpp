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

#include "gemm_simd_tile.hpp"

namespace hashflop::gemm_kernels {
namespace {

struct Avx512 {
  using V = __m512;
  static constexpr MicroTile tile = avx512_tile;
  static V broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
};

}  // namespace

void sgemm_range_avx512(const SgemmProblem& pr, const GemmBlocking& blk, const GemmRange& r,
                        float* workspace) {
  detail::sgemm_range<simd::TileKernel<Avx512>>(pr, blk, r, workspace);
}

}  // namespace hashflop::gemm_kernels
