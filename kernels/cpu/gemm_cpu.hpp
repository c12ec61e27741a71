// The CPU fp32 GEMM kernels: C = alpha * A * B + beta * C on row-major matrices. Each SIMD
// variant is its own translation unit compiled with its instruction-set flags; the host picks
// one from CPUID and splits the work across threads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hashflop::gemm_kernels {

/// One fp32 product on row-major operands with leading dimensions (row strides) in elements.
struct SgemmProblem {
  int64_t m = 0, n = 0, k = 0;
  float alpha = 1.0f, beta = 0.0f;
  const float* a = nullptr;  ///< m x k
  int64_t lda = 0;
  const float* b = nullptr;  ///< k x n
  int64_t ldb = 0;
  float* c = nullptr;  ///< m x n; not read when beta == 0
  int64_t ldc = 0;
};

/// Cache blocking in elements: A is packed in mc x kc blocks, B in kc x nc panels. Which of
/// them sits in which cache depends on the micro-kernel's loop order (SliverInL1).
struct GemmBlocking {
  int64_t mc = 0, kc = 0, nc = 0;
};

/// The part of C one thread owns: rows [m_begin, m_end), columns [n_begin, n_end).
struct GemmRange {
  int64_t m_begin = 0, m_end = 0, n_begin = 0, n_end = 0;
};

/// Computes one range of C. `workspace` holds at least sgemm_workspace_floats() floats and is
/// 64-byte aligned; ranges of different threads must not overlap.
using SgemmRangeFn = void (*)(const SgemmProblem&, const GemmBlocking&, const GemmRange&,
                              float* workspace);

/// Which packed sliver a micro-kernel keeps in L1 while the other operand's slivers stream
/// past it (gemm_driver.hpp has both loop orders).
enum class SliverInL1 {
  b,  ///< kc x NR of B in L1; the mc x kc A block in L2, the kc x nc B panel in L3
  a,  ///< MR x kc of A in L1; the kc x nc B panel in L2, the mc x kc A block in L3
};

/// Register tile of a micro-kernel: MR rows of C by NR columns, and its loop order.
struct MicroTile {
  int mr = 1, nr = 1;
  SliverInL1 l1 = SliverInL1::b;
};

/// Floats of packing workspace one thread needs for `blocking` with micro-tile `tile`.
inline size_t sgemm_workspace_floats(const GemmBlocking& blocking, MicroTile tile) {
  const auto round_up = [](int64_t x, int64_t to) { return (x + to - 1) / to * to; };
  const int64_t a = round_up(blocking.mc, tile.mr) * blocking.kc;
  const int64_t b = round_up(blocking.nc, tile.nr) * blocking.kc;
  return static_cast<size_t>(a + b + 16);  // +16: B starts on its own cache line
}

/// AVX2 + FMA, 6 x 16 register tile (12 ymm accumulators).
inline constexpr MicroTile avx2_tile{6, 16};
void sgemm_range_avx2(const SgemmProblem&, const GemmBlocking&, const GemmRange&, float*);

/// AVX-512F + FMA, 12 x 32 register tile (24 zmm accumulators); the 12-row A sliver stays in
/// L1, so kc can be deep (gemm_avx512.cpp).
inline constexpr MicroTile avx512_tile{12, 32, SliverInL1::a};
void sgemm_range_avx512(const SgemmProblem&, const GemmBlocking&, const GemmRange&, float*);

/// AArch64 NEON, 8 x 12 register tile (24 q-register accumulators).
inline constexpr MicroTile neon_tile{8, 12};
void sgemm_range_neon(const SgemmProblem&, const GemmBlocking&, const GemmRange&, float*);

/// Computes columns [n_begin, n_end) of C, every row, reading B in place (gemm_stream.hpp).
using SgemmColumnsFn = void (*)(const SgemmProblem&, int64_t n_begin, int64_t n_end);
void sgemm_stream_avx2(const SgemmProblem&, int64_t n_begin, int64_t n_end);
void sgemm_stream_avx512(const SgemmProblem&, int64_t n_begin, int64_t n_end);

}  // namespace hashflop::gemm_kernels
