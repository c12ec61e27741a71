// The CUDA GEMM variants behind the registry entries: our SIMT and tensor-core kernels and
// cuBLAS. Every entry runs on the calling thread's current CUDA device. This header needs no
// CUDA headers, so the registry and the CLI compile the same with or without CUDA; a build
// without CUDA links cuda_gemm_absent.cpp, whose entries say why they cannot run.
#pragma once

#include <memory>
#include <string>

#include "gemm/gemm_types.hpp"
#include "gemm/gemm_variants.hpp"

namespace hashflop::gemm {

/// Which computation a CUDA executor performs.
enum class CudaGemmKind {
  simt,           ///< cuda-simt: our fp32 SIMT kernel
  mma,            ///< cuda-mma: our mma.sync kernel, bf16/fp16 inputs
  cublas_sgemm,   ///< cublas-sgemm: cublasSgemm, fp32
  cublas_tf32,    ///< cublas-tf32: cublasGemmEx, CUBLAS_COMPUTE_32F_FAST_TF32
  cublas_gemmex,  ///< cublas-gemmex: cublasGemmEx, bf16/fp16 inputs, CUBLAS_COMPUTE_32F
};

/// Why `kind` cannot compute `dtype`, or cannot run on the current device; empty when it can.
/// The dtype reasons come first, so they read the same on machines without a GPU.
std::string cuda_gemm_unavailable(CudaGemmKind kind, Dtype dtype);

/// An executor on the current device. Throws DeviceError (CudaError, CublasError) on failure.
std::unique_ptr<GemmExecutor> prepare_cuda_gemm(CudaGemmKind kind, const GemmProblemSpec& spec);

/// Makes cuda:`index` the calling thread's current device, so the CUDA variants run there.
/// Throws DeviceError when it cannot.
void select_cuda_gemm_device(int index);

}  // namespace hashflop::gemm
