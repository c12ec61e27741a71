// The CPU side of GEMM: cache blocking from the machine's caches, the threaded tiled driver,
// and the OpenBLAS wrapper.
#pragma once

#include <string>
#include <string_view>

#include "cpu/cpu_info.hpp"
#include "gemm/gemm_types.hpp"
#include "gemm_cpu.hpp"

namespace hashflop::gemm {

/// Blocking for a micro-kernel tile on `threads` threads, from the cache sizes (formula in
/// cpu_gemm.cpp).
gemm_kernels::GemmBlocking cpu_blocking(gemm_kernels::MicroTile tile, unsigned threads,
                                        const cpu::CacheSizes& caches);

/// `blocking` clamped to `shape`, so no workspace is reserved beyond what the product has.
gemm_kernels::GemmBlocking fit_blocking(gemm_kernels::GemmBlocking blocking,
                                        gemm_kernels::MicroTile tile, const GemmShape& shape);

/// "mc=8192 kc=448 nc=416": a blocking as calibration candidates, wisdom and results name it.
std::string blocking_text(const gemm_kernels::GemmBlocking& blocking);
/// The blocking `text` names ("mc=.. kc=.. nc=..", the fields in any order, or "mc,kc,nc");
/// UsageError for anything else or a size below 1.
gemm_kernels::GemmBlocking parse_blocking(std::string_view text);

/// Runs one product with `kernel` and `blocking` (clamped to the product) on `threads`
/// std::jthreads (0: all logical cores), each owning a disjoint block of C.
void sgemm_tiled(const gemm_kernels::SgemmProblem& problem, gemm_kernels::SgemmRangeFn kernel,
                 gemm_kernels::MicroTile tile, unsigned threads,
                 const gemm_kernels::GemmBlocking& blocking);

/// cblas_sgemm with OpenBLAS's thread count set to `threads` (0: all logical cores).
/// `kernel` over C's columns split across `threads` threads (0: all cores) in whole 16-float
/// blocks; each thread reads its columns of B in place.
void sgemm_stream(const gemm_kernels::SgemmProblem& problem, gemm_kernels::SgemmColumnsFn kernel,
                  unsigned threads);
void sgemm_openblas(const gemm_kernels::SgemmProblem& problem, unsigned threads);

/// OpenBLAS's build and the core type it chose, e.g. "OpenBLAS 0.3.21 ... / SkylakeX".
std::string openblas_description();

}  // namespace hashflop::gemm
