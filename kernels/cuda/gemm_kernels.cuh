// Host-side launch API of the tiled CUDA GEMM kernels (gemm_simt.cu, gemm_mma.cu) and the
// fp32 -> bf16/fp16 upload conversion (gemm_convert.cu). Plain C++: the
// host library and the always-run tests include it without nvcc. All matrices are row-major;
// C = alpha A B + beta C, and beta == 0 never reads C.
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

namespace hashflop::cuda {

/// Element type of A and B in device memory for the tensor-core kernels.
enum class HalfKind { bf16, fp16 };

/// One CTA's share of C and the depth of one main-loop step.
struct GemmTile {
  int bm, bn, bk, threads, stages;
};

/// SIMT fp32: 128x128x8 per CTA, 8 warps of 64x32, 8x8 per thread, double-buffered.
inline constexpr GemmTile simt_tile{128, 128, 8, 256, 2};
/// mma.sync m16n8k16: 128x128x32 per CTA, 8 warps of 64x32, three cp.async stages.
inline constexpr GemmTile mma_tile{128, 128, 32, 256, 3};

/// Whether the SIMT kernel may use 16-byte loads and stores: every row of A, B and C must start
/// 16-byte aligned (leading dimensions multiples of 4 floats; the base pointers come from
/// cudaMalloc, 256-byte aligned), and k and n must be multiples of 4 so that a 4-float chunk is
/// wholly inside a row or wholly past its end. Otherwise it uses guarded 4-byte accesses.
constexpr bool simt_vector_access(int64_t n, int64_t k, int64_t lda, int64_t ldb, int64_t ldc) {
  return n % 4 == 0 && k % 4 == 0 && lda % 4 == 0 && ldb % 4 == 0 && ldc % 4 == 0;
}

/// Leading dimension (in elements) that the half-precision upload gives a row of `cols`
/// elements: a multiple of 8, so every 16-byte cp.async chunk is aligned and lies either wholly
/// inside a row (its padding is zero) or wholly outside (zero-filled by the kernel).
constexpr int64_t half_padded_ld(int64_t cols) {
  return (cols + 7) / 8 * 8;
}

/// Grid of CTAs covering an m x n C with `tile`: x over columns, y over rows.
constexpr dim3 gemm_grid(const GemmTile& tile, int64_t m, int64_t n) {
  return dim3(static_cast<unsigned>((n + tile.bn - 1) / tile.bn),
              static_cast<unsigned>((m + tile.bm - 1) / tile.bm), 1);
}

/// Dynamic shared memory of the mma.sync kernel: padded A and B tiles per stage (see
/// gemm_mma.cu for the padding).
constexpr int mma_smem_bytes() {
  return mma_tile.stages * (mma_tile.bm * (mma_tile.bk + 8) + mma_tile.bk * (mma_tile.bn + 8)) * 2;
}

/// One product for a tiled kernel: C (m x n) = alpha A (m x k) B (k x n) + beta C, row-major,
/// with each operand's leading dimension in elements. Every tiled kernel takes this, so the host
/// runs any of them through one executor (host/gemm/cuda_gemm_tiled.cpp).
struct GemmLaunch {
  int m = 0, n = 0, k = 0;
  float alpha = 1.0f, beta = 0.0f;
  const void* a = nullptr;
  int64_t lda = 0;
  const void* b = nullptr;
  int64_t ldb = 0;
  float* c = nullptr;
  int64_t ldc = 0;
};

/// Enqueues one product on `stream`; cudaErrorInvalidValue when the arguments break the
/// kernel's contract.
using GemmLaunchFn = cudaError_t (*)(const GemmLaunch& args, cudaStream_t stream);

/// fp32 SIMT GEMM on float A and B. Any m, n, k >= 1 and leading dimensions >= the row lengths.
cudaError_t launch_gemm_simt(const GemmLaunch& args, cudaStream_t stream);

/// Tensor-core GEMM on bf16 (resp. fp16) A and B with fp32 accumulation. lda and ldb must be
/// multiples of 8 elements and the elements between k (resp. n) and the leading dimension must
/// be zero, as the upload leaves them (half_padded_ld). cudaErrorInvalidValue otherwise.
cudaError_t launch_gemm_mma_bf16(const GemmLaunch& args, cudaStream_t stream);
cudaError_t launch_gemm_mma_fp16(const GemmLaunch& args, cudaStream_t stream);

/// Rounds a dense rows x cols fp32 matrix to `kind` (round to nearest even) into `dst` with
/// leading dimension ld_dst >= cols, writing zeros in the padding columns.
cudaError_t launch_convert_to_half(HalfKind kind, const float* src, int64_t rows, int64_t cols,
                                   void* dst, int64_t ld_dst, cudaStream_t stream);

}  // namespace hashflop::cuda
