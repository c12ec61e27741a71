// What every tiled GEMM kernel (gemm_simt.cu, gemm_mma.cu) makes of a GemmLaunch: the checks of
// the contract they share, and its arguments with A and B typed as the kernel reads them,
// passed to the kernel by value.
#pragma once

#include <cstdint>

#include "gemm_kernels.cuh"

namespace hashflop::cuda {

/// A GemmLaunch for a kernel whose A and B hold T (float, or the 16-bit storage of bf16/fp16).
template <class T>
struct GemmArgs {
  int m, n, k;
  float alpha, beta;
  const T* a;
  const T* b;
  float* c;
  int64_t lda, ldb, ldc;
};

/// Whether `g` keeps the contract of every tiled kernel: a non-empty product, and leading
/// dimensions no shorter than their rows. A kernel may ask more (gemm_mma.cu: multiples of 8).
constexpr bool gemm_launch_in_contract(const GemmLaunch& g) {
  return g.m > 0 && g.n > 0 && g.k > 0 && g.lda >= g.k && g.ldb >= g.n && g.ldc >= g.n;
}

template <class T>
GemmArgs<T> gemm_args(const GemmLaunch& g) {
  const auto* a = static_cast<const T*>(g.a);
  const auto* b = static_cast<const T*>(g.b);
  return {g.m, g.n, g.k, g.alpha, g.beta, a, b, g.c, g.lda, g.ldb, g.ldc};
}

}  // namespace hashflop::cuda
