// The loop nest shared by every CPU GEMM variant (the Goto/BLIS structure): for each nc-wide
// panel of B and kc-deep slice of K, pack B once; for each mc-tall block of A, pack it; then
// sweep the register tiles with the variant's micro-kernel. Included only by the kernel
// translation units, so packing is compiled with the same instruction set as the micro-kernel.
#pragma once

#include <algorithm>
#include <cstdint>

#include "gemm_cpu.hpp"

namespace hashflop::gemm_kernels::detail {

inline int64_t round_up(int64_t x, int64_t to) {
  return (x + to - 1) / to * to;
}

// Packs rows [0, mb) x columns [0, kb) of A into MR-row slivers, each stored column by column
// (kb x MR, contiguous), so the micro-kernel reads A with unit stride. Short slivers are
// zero-padded: the micro-kernel always computes full tiles and the padding adds exact zeros.
template <int MR>
void pack_a(int64_t mb, int64_t kb, const float* a, int64_t lda, float* out) {
  for (int64_t i0 = 0; i0 < mb; i0 += MR) {
    const int64_t rows = std::min<int64_t>(MR, mb - i0);
    const float* src = a + i0 * lda;
    if (rows == MR) {
      for (int64_t p = 0; p < kb; ++p) {
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) out[p * MR + i] = src[i * lda + p];
      }
    } else {
      for (int64_t p = 0; p < kb; ++p) {
        for (int64_t i = 0; i < MR; ++i) out[p * MR + i] = i < rows ? src[i * lda + p] : 0.0f;
      }
    }
    out += MR * kb;
  }
}

// Packs rows [0, kb) x columns [0, nb) of B into NR-column slivers, each kb x NR contiguous.
template <int NR>
void pack_b(int64_t kb, int64_t nb, const float* b, int64_t ldb, float* out) {
  for (int64_t j0 = 0; j0 < nb; j0 += NR) {
    const int64_t cols = std::min<int64_t>(NR, nb - j0);
    const float* src = b + j0;
    if (cols == NR) {
      for (int64_t p = 0; p < kb; ++p) {
#pragma GCC unroll 32
        for (int j = 0; j < NR; ++j) out[p * NR + j] = src[p * ldb + j];
      }
    } else {
      for (int64_t p = 0; p < kb; ++p) {
        for (int64_t j = 0; j < NR; ++j) out[p * NR + j] = j < cols ? src[p * ldb + j] : 0.0f;
      }
    }
    out += NR * kb;
  }
}

// C = beta * C over a range, for k == 0 (alpha * A * B is then empty).
inline void scale_c(const SgemmProblem& pr, const GemmRange& r) {
  for (int64_t i = r.m_begin; i < r.m_end; ++i) {
    for (int64_t j = r.n_begin; j < r.n_end; ++j) {
      float& c = pr.c[i * pr.ldc + j];
      c = pr.beta == 0.0f ? 0.0f : pr.beta * c;
    }
  }
}

// One register tile of C at (i, j) of the block: a full tile goes straight to C, an edge tile
// through a scratch tile, of which only the part inside C is written back. The C tile is
// prefetched first: it is touched only after the kb-deep k loop, which hides the misses (C is
// 16 MiB at 2048^2 and comes from L3 or memory on every K slice).
template <class Kernel>
inline void run_tile(const SgemmProblem& pr, int64_t kb, const float* a_sliver,
                     const float* b_sliver, float* c, int64_t rows, int64_t cols,
                     const float* scale) {
  constexpr int MR = Kernel::mr;
  constexpr int NR = Kernel::nr;
  if (rows == MR && cols == NR) {
    for (int i = 0; i < MR; ++i) {
      for (int j = 0; j < NR; j += 16) __builtin_prefetch(c + i * pr.ldc + j, 1, 3);
      __builtin_prefetch(c + i * pr.ldc + NR - 1, 1, 3);
    }
    Kernel::tile(kb, a_sliver, b_sliver, c, pr.ldc, scale);
    return;
  }
  static constexpr float unscaled[2] = {1.0f, 0.0f};
  alignas(64) float edge[MR * NR];
  Kernel::tile(kb, a_sliver, b_sliver, edge, NR, unscaled);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      float& dst = c[i * pr.ldc + j];
      const float v = scale[0] * edge[i * NR + j];
      dst = scale[1] == 0.0f ? v : v + scale[1] * dst;
    }
  }
}

// Kernel supplies mr, nr, l1 (which sliver stays in L1, MicroTile) and tile(kb, packed_a,
// packed_b, c, ldc, scale), which writes a full mr x nr tile as scale[0] * acc + scale[1] * c
// and never reads c when scale[1] == 0. alpha and beta come through memory so they do not hold
// two vector registers during the k loop (the AVX2 tile uses 15 of its 16).
//
// Two loop orders over the same packed layouts:
//  - SliverInL1::b (Goto's order for row-major C): for each kc x nc panel of B (L3) and mc x kc
//    block of A (L2), each kc x NR sliver of B stays in L1 while the A slivers stream past it.
//  - SliverInL1::a (BLIS's order, transposed for row-major C): for each mc x kc block of A (L3)
//    and kc x nc panel of B (L2), each MR x kc sliver of A stays in L1 while the B slivers
//    stream past it. With a wide NR and a short MR the resident sliver is the small one, so kc
//    can be about 2.5 times deeper for the same L1, and C is read and written that much less.
template <class Kernel>
void sgemm_range(const SgemmProblem& pr, const GemmBlocking& blk, const GemmRange& r,
                 float* workspace) {
  constexpr int MR = Kernel::mr;
  constexpr int NR = Kernel::nr;
  if (r.m_end <= r.m_begin || r.n_end <= r.n_begin) return;
  if (pr.k == 0) {
    scale_c(pr, r);
    return;
  }
  float* packed_a = workspace;
  float* packed_b = workspace + round_up(round_up(blk.mc, MR) * blk.kc, 16);

  if constexpr (Kernel::l1 == SliverInL1::b) {
    for (int64_t jc = r.n_begin; jc < r.n_end; jc += blk.nc) {
      const int64_t nb = std::min(blk.nc, r.n_end - jc);
      for (int64_t pc = 0; pc < pr.k; pc += blk.kc) {
        const int64_t kb = std::min(blk.kc, pr.k - pc);
        // Later K slices accumulate onto what the first one wrote.
        const float scale[2] = {pr.alpha, pc == 0 ? pr.beta : 1.0f};
        pack_b<NR>(kb, nb, pr.b + pc * pr.ldb + jc, pr.ldb, packed_b);
        for (int64_t ic = r.m_begin; ic < r.m_end; ic += blk.mc) {
          const int64_t mb = std::min(blk.mc, r.m_end - ic);
          pack_a<MR>(mb, kb, pr.a + ic * pr.lda + pc, pr.lda, packed_a);
          for (int64_t jr = 0; jr < nb; jr += NR) {
            for (int64_t ir = 0; ir < mb; ir += MR) {
              run_tile<Kernel>(pr, kb, packed_a + ir * kb, packed_b + jr * kb,
                               pr.c + (ic + ir) * pr.ldc + jc + jr, std::min<int64_t>(MR, mb - ir),
                               std::min<int64_t>(NR, nb - jr), scale);
            }
          }
        }
      }
    }
  } else {
    for (int64_t ic = r.m_begin; ic < r.m_end; ic += blk.mc) {
      const int64_t mb = std::min(blk.mc, r.m_end - ic);
      for (int64_t pc = 0; pc < pr.k; pc += blk.kc) {
        const int64_t kb = std::min(blk.kc, pr.k - pc);
        const float scale[2] = {pr.alpha, pc == 0 ? pr.beta : 1.0f};
        pack_a<MR>(mb, kb, pr.a + ic * pr.lda + pc, pr.lda, packed_a);
        for (int64_t jc = r.n_begin; jc < r.n_end; jc += blk.nc) {
          const int64_t nb = std::min(blk.nc, r.n_end - jc);
          pack_b<NR>(kb, nb, pr.b + pc * pr.ldb + jc, pr.ldb, packed_b);
          for (int64_t ir = 0; ir < mb; ir += MR) {
            for (int64_t jr = 0; jr < nb; jr += NR) {
              run_tile<Kernel>(pr, kb, packed_a + ir * kb, packed_b + jr * kb,
                               pr.c + (ic + ir) * pr.ldc + jc + jr, std::min<int64_t>(MR, mb - ir),
                               std::min<int64_t>(NR, nb - jr), scale);
            }
          }
        }
      }
    }
  }
}

}  // namespace hashflop::gemm_kernels::detail
