// The x86 fp32 micro-kernel, shared by the AVX2 and AVX-512 variants: MR rows x two vectors of
// C in 2 * MR accumulators. Each k step loads the two B vectors of the packed sliver once and
// broadcasts MR values of A, each feeding two FMAs. Only the file that includes it decides the
// instruction set (its compile flags) and the tile (its Isa), so the same source becomes the
// 6 x 16 ymm kernel and the 12 x 32 zmm kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "gemm_driver.hpp"

namespace hashflop::gemm_kernels::simd {

// Isa supplies V (the compiler's vector of floats, __m256 or __m512), its MicroTile, broadcast
// (one float from memory into every lane) and fmadd. Loads, stores, multiplies and zeros are
// plain vector operations on V, as the intrinsics' own headers write them. The FMA must be the
// intrinsic: under -std=c++20 GCC does not contract a * b + c into one (-ffp-contract=off).
// `#pragma GCC unroll 16` unrolls the row loops fully for every mr up to 16.
template <class Isa>
struct TileKernel {
  using V = typename Isa::V;
  static constexpr int lanes = sizeof(V) / sizeof(float);
  static constexpr int mr = Isa::tile.mr;
  static constexpr int nr = Isa::tile.nr;
  static constexpr SliverInL1 l1 = Isa::tile.l1;
  static_assert(nr == 2 * lanes, "a row of the tile is two vectors");

  // x in every lane, built as the intrinsics' set1 builds it (one vbroadcastss).
  template <size_t... I>
  static V splat(float x, std::index_sequence<I...>) {
    return V{(static_cast<void>(I), x)...};
  }
  static V splat(float x) { return splat(x, std::make_index_sequence<lanes>{}); }

  // V at any address, as the intrinsics' __m256_u: rows of C have no alignment.
  typedef V unaligned __attribute__((aligned(1), may_alias));

  static void tile(int64_t kb, const float* __restrict a, const float* __restrict b, float* c,
                   int64_t ldc, const float* scale) {
    V lo[mr], hi[mr];
#pragma GCC unroll 16
    for (int i = 0; i < mr; ++i) lo[i] = hi[i] = V{};
    for (int64_t p = 0; p < kb; ++p) {
      // Aligned: the workspace is 64-byte aligned and each packed B row starts a multiple of
      // 16 floats into it.
      const V b0 = *reinterpret_cast<const V*>(b);
      const V b1 = *reinterpret_cast<const V*>(b + lanes);
#pragma GCC unroll 16
      for (int i = 0; i < mr; ++i) {
        const V ai = Isa::broadcast(a + i);
        lo[i] = Isa::fmadd(ai, b0, lo[i]);
        hi[i] = Isa::fmadd(ai, b1, hi[i]);
      }
      a += mr;
      b += nr;
    }
    const V va = splat(scale[0]);
    const V vb = splat(scale[1]);
#pragma GCC unroll 16
    for (int i = 0; i < mr; ++i) {
      float* row = c + i * ldc;
      V r0 = va * lo[i];
      V r1 = va * hi[i];
      if (scale[1] != 0.0f) {  // beta == 0 must not read C: it may hold NaN
        r0 = Isa::fmadd(vb, *reinterpret_cast<const unaligned*>(row), r0);
        r1 = Isa::fmadd(vb, *reinterpret_cast<const unaligned*>(row + lanes), r1);
      }
      *reinterpret_cast<unaligned*>(row) = r0;
      *reinterpret_cast<unaligned*>(row + lanes) = r1;
    }
  }
};

}  // namespace hashflop::gemm_kernels::simd
