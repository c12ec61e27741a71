// The CUDA GEMM kernel families. Each is one executor type; a registry line in
// cuda_gemm_variants.cpp creates it with the family's parameters:
//  - tiled: our kernels, any kernel with the cuda::GemmLaunch signature (one function per
//    dtype it takes);
//  - cublas: a cuBLAS routine with a compute type.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <cublas_v2.h>

#include "gemm/gemm_variants.hpp"
#include "gemm_kernels.cuh"

namespace hashflop::gemm {

struct TiledKernel {
  cuda::GemmLaunchFn fp32 = nullptr;  ///< fp32 operands; nullptr: the kernel does not take fp32
  cuda::GemmLaunchFn bf16 = nullptr;
  cuda::GemmLaunchFn fp16 = nullptr;
  /// Tile and pipeline for results files, e.g. "tile=128x128x8 stages=2", for an m x n x k
  /// product (some kernels pick a path by shape).
  std::string (*settings)(int m, int n, int k) = nullptr;

  constexpr unsigned dtypes() const {
    return (fp32 ? dtype_bit(Dtype::fp32) : 0u) | (bf16 ? dtype_bit(Dtype::bf16) : 0u) |
           (fp16 ? dtype_bit(Dtype::fp16) : 0u);
  }
};

std::unique_ptr<GemmExecutor> prepare_cuda_tiled(const GemmProblemSpec& spec,
                                                 const TiledKernel& kernel);
template <const TiledKernel& Kernel>
std::unique_ptr<GemmExecutor> prepare_cuda_tiled(const GemmProblemSpec& spec) {
  return prepare_cuda_tiled(spec, Kernel);
}

struct CublasRoutine {
  bool sgemm = false;  ///< cublasSgemm; otherwise cublasGemmEx with `compute`
  cublasComputeType_t compute = CUBLAS_COMPUTE_32F;
  std::string_view compute_name;  ///< for results files
  unsigned dtypes = 0;
};

std::unique_ptr<GemmExecutor> prepare_cublas(const GemmProblemSpec& spec,
                                             const CublasRoutine& routine);
template <const CublasRoutine& Routine>
std::unique_ptr<GemmExecutor> prepare_cublas(const GemmProblemSpec& spec) {
  return prepare_cublas(spec, Routine);
}

}  // namespace hashflop::gemm
