// The streaming fp32 kernel for skinny products (decode: a few rows of activations against a
// large weight matrix). The packed kernels copy B into panels before using it, which doubles
// the memory traffic of a product that reads each weight once; this one reads B in place, row
// by row, once per block of up to `stream_rows` rows of A, accumulating a strip of C in L1.
// Instantiated once per instruction set (gemm_stream_<isa>.cpp); the compiler vectorizes the
// inner loop with that file's flags.
#pragma once

#include <algorithm>
#include <cstdint>

#include "gemm_cpu.hpp"

namespace hashflop::gemm_kernels {

/// Rows of A that share one pass over B.
inline constexpr int64_t stream_rows = 8;
/// Floats of C accumulated at once: 16 KiB, half of a 32 KiB L1 data cache, so the strip stays
/// there while the B rows stream past it.
inline constexpr int64_t stream_strip_floats = 4096;

inline void sgemm_stream_range_generic(const SgemmProblem& p, int64_t n_begin, int64_t n_end) {
  alignas(64) float acc[stream_strip_floats];
  for (int64_t m0 = 0; m0 < p.m; m0 += stream_rows) {
    const int64_t mb = std::min(stream_rows, p.m - m0);
    // The strip is as wide as the L1 budget allows for mb rows (a multiple of 16 floats):
    // one row reads 16 KiB of each B row contiguously, which the prefetchers stream well.
    const int64_t width = stream_strip_floats / mb / 16 * 16;
    for (int64_t j0 = n_begin; j0 < n_end; j0 += width) {
      const int64_t w = std::min(width, n_end - j0);
      std::fill(acc, acc + mb * w, 0.0f);
      for (int64_t kk = 0; kk < p.k; ++kk) {
        const float* __restrict b = p.b + kk * p.ldb + j0;
        for (int64_t i = 0; i < mb; ++i) {
          const float a = p.a[(m0 + i) * p.lda + kk];
          float* __restrict c = acc + i * w;
          for (int64_t j = 0; j < w; ++j) c[j] += a * b[j];
        }
      }
      for (int64_t i = 0; i < mb; ++i) {
        float* __restrict out = p.c + (m0 + i) * p.ldc + j0;
        const float* __restrict c = acc + i * w;
        if (p.beta == 0.0f) {
          for (int64_t j = 0; j < w; ++j) out[j] = p.alpha * c[j];
        } else {
          for (int64_t j = 0; j < w; ++j) out[j] = p.alpha * c[j] + p.beta * out[j];
        }
      }
    }
  }
}

}  // namespace hashflop::gemm_kernels
