// The CUDA GEMM registry: one line per variant. A new tiled kernel is its .cu file (with a
// cuda::GemmLaunch entry point declared in gemm_kernels.cuh) plus one line here.
#include <array>

#include <fmt/format.h>

#include "cuda/cublas_loader.hpp"
#include "gemm/cuda_gemm_families.hpp"

namespace hashflop::gemm {
namespace {

constexpr TiledKernel simt{cuda::launch_gemm_simt, nullptr, nullptr, [](int m, int n, int k) {
                             const auto& t = cuda::simt_tile;
                             (void)m;
                             return fmt::format(
                                 "tile={}x{}x{} warp=64x32 thread=8x8 stages={} vector_access={}",
                                 t.bm, t.bn, t.bk, t.stages,
                                 cuda::simt_vector_access(n, k, k, n, n) ? "yes" : "no");
                           }};
constexpr TiledKernel mma{
    nullptr, cuda::launch_gemm_mma_bf16, cuda::launch_gemm_mma_fp16, [](int, int n, int k) {
      const auto& t = cuda::mma_tile;
      return fmt::format("tile={}x{}x{} warp=64x32 mma=m16n8k16 stages={} lda={} ldb={}", t.bm,
                         t.bn, t.bk, t.stages, cuda::half_padded_ld(k), cuda::half_padded_ld(n));
    }};

constexpr CublasRoutine sgemm{true, CUBLAS_COMPUTE_32F, "cublasSgemm", dtype_bit(Dtype::fp32)};
constexpr CublasRoutine tf32{false, CUBLAS_COMPUTE_32F_FAST_TF32, "CUBLAS_COMPUTE_32F_FAST_TF32",
                             dtype_bit(Dtype::tf32)};
constexpr CublasRoutine gemmex{false, CUBLAS_COMPUTE_32F, "CUBLAS_COMPUTE_32F",
                               dtype_bit(Dtype::bf16) | dtype_bit(Dtype::fp16)};

// cuBLAS is loaded at run time (cuda/cublas_loader.hpp): without it these variants say why.
std::string cublas_missing() {
  return cuda::cublas_unavailable_reason().value_or(std::string());
}

constexpr std::array variants{
    GemmVariant{"cuda-simt", "tiled", DeviceKind::cuda,
                "fp32 SIMT, 128x128x8 CTA tile, 64x32 warp tile, 8x8 per thread, cp.async double "
                "buffer",
                simt.dtypes(), nullptr, prepare_cuda_tiled<simt>},
    GemmVariant{"cuda-mma", "tiled", DeviceKind::cuda,
                "bf16/fp16 mma.sync m16n8k16 + ldmatrix, 128x128x32 CTA tile, 3-stage cp.async",
                mma.dtypes(), nullptr, prepare_cuda_tiled<mma>},
    GemmVariant{"cublas-sgemm", "vendor", DeviceKind::cuda, "cuBLAS cublasSgemm (fp32)",
                sgemm.dtypes, cublas_missing, prepare_cublas<sgemm>},
    GemmVariant{"cublas-tf32", "vendor", DeviceKind::cuda,
                "cuBLAS cublasGemmEx, fp32 operands, CUBLAS_COMPUTE_32F_FAST_TF32", tf32.dtypes,
                cublas_missing, prepare_cublas<tf32>},
    GemmVariant{"cublas-gemmex", "vendor", DeviceKind::cuda,
                "cuBLAS cublasGemmEx, bf16/fp16 operands, CUBLAS_COMPUTE_32F", gemmex.dtypes,
                cublas_missing, prepare_cublas<gemmex>},
};

}  // namespace

std::span<const GemmVariant> cuda_gemm_variants() {
  return variants;
}

}  // namespace hashflop::gemm
