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

// Kernel supplies mr, nr and tile(kb, packed_a, packed_b, c, ldc, scale), which writes a full
// mr x nr tile as scale[0] * acc + scale[1] * c and never reads c when scale[1] == 0. alpha and
// beta come through memory so they do not hold two vector registers during the k loop (the
// AVX2 tile uses 15 of its 16).
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
  alignas(64) float edge[MR * NR];

  for (int64_t jc = r.n_begin; jc < r.n_end; jc += blk.nc) {
    const int64_t nb = std::min(blk.nc, r.n_end - jc);
    for (int64_t pc = 0; pc < pr.k; pc += blk.kc) {
      const int64_t kb = std::min(blk.kc, pr.k - pc);
      // Later K slices accumulate onto what the first one wrote.
      const float beta = pc == 0 ? pr.beta : 1.0f;
      const float scale[2] = {pr.alpha, beta};
      static constexpr float unscaled[2] = {1.0f, 0.0f};
      pack_b<NR>(kb, nb, pr.b + pc * pr.ldb + jc, pr.ldb, packed_b);
      for (int64_t ic = r.m_begin; ic < r.m_end; ic += blk.mc) {
        const int64_t mb = std::min(blk.mc, r.m_end - ic);
        pack_a<MR>(mb, kb, pr.a + ic * pr.lda + pc, pr.lda, packed_a);
        for (int64_t jr = 0; jr < nb; jr += NR) {
          const float* b_sliver = packed_b + jr * kb;
          const int64_t cols = std::min<int64_t>(NR, nb - jr);
          for (int64_t ir = 0; ir < mb; ir += MR) {
            const float* a_sliver = packed_a + ir * kb;
            const int64_t rows = std::min<int64_t>(MR, mb - ir);
            float* c = pr.c + (ic + ir) * pr.ldc + jc + jr;
            if (rows == MR && cols == NR) {
              Kernel::tile(kb, a_sliver, b_sliver, c, pr.ldc, scale);
              continue;
            }
            // Edge tile: compute the full tile into a scratch buffer, write back what exists.
            Kernel::tile(kb, a_sliver, b_sliver, edge, NR, unscaled);
            for (int64_t i = 0; i < rows; ++i) {
              for (int64_t j = 0; j < cols; ++j) {
                float& dst = c[i * pr.ldc + j];
                const float v = pr.alpha * edge[i * NR + j];
                dst = beta == 0.0f ? v : v + beta * dst;
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace hashflop::gemm_kernels::detail
