// The CPU side of GEMM: cache blocking from the machine's caches, the threaded tiled driver,
// and the OpenBLAS wrapper.
#pragma once

#include "cpu/cpu_info.hpp"
#include "gemm_cpu.hpp"

namespace hashflop::gemm {

/// Blocking for a micro-kernel tile on `threads` threads, from the cache sizes (formula in
/// cpu_gemm.cpp).
gemm_kernels::GemmBlocking cpu_blocking(gemm_kernels::MicroTile tile, unsigned threads,
                                        const cpu::CacheSizes& caches);

/// Runs one product with `kernel` on `threads` std::jthreads (0: all logical cores), each owning
/// a disjoint block of C.
void sgemm_tiled(const gemm_kernels::SgemmProblem& problem, gemm_kernels::SgemmRangeFn kernel,
                 gemm_kernels::MicroTile tile, unsigned threads);

/// cblas_sgemm with OpenBLAS's thread count set to `threads` (0: all logical cores).
/// `kernel` over C's columns split across `threads` threads (0: all cores) in whole 16-float
/// blocks; each thread reads its columns of B in place.
void sgemm_stream(const gemm_kernels::SgemmProblem& problem, gemm_kernels::SgemmColumnsFn kernel,
                  unsigned threads);
void sgemm_openblas(const gemm_kernels::SgemmProblem& problem, unsigned threads);

/// OpenBLAS's build and the core type it chose, e.g. "OpenBLAS 0.3.21 ... / SkylakeX".
std::string openblas_description();

}  // namespace hashflop::gemm
