// AVX2 + FMA fp32 micro-kernel: 6 rows x 16 columns of C in 12 ymm accumulators.
//
// Why 6 x 16: with 16 ymm registers, 12 accumulators + 2 for the B row + 1 broadcast is the
// largest tile that does not spill. Each k step is 2 loads + 6 broadcasts for 12 FMAs, and 12
// independent chains cover FMA latency (4 cycles) x 2 FMA pipes = 8 in flight.
#include <immintrin.h>

#include "gemm_simd_tile.hpp"

namespace hashflop::gemm_kernels {
namespace {

struct Avx2 {
  using V = __m256;
  static constexpr MicroTile tile = avx2_tile;
  static V broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
};

}  // namespace

void sgemm_range_avx2(const SgemmProblem& pr, const GemmBlocking& blk, const GemmRange& r,
                      float* workspace) {
  detail::sgemm_range<simd::TileKernel<Avx2>>(pr, blk, r, workspace);
}

}  // namespace hashflop::gemm_kernels
