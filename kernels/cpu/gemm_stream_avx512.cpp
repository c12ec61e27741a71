// The streaming skinny-product kernel (gemm_stream.hpp) compiled for AVX-512F + FMA.
#include "gemm_stream.hpp"

namespace hashflop::gemm_kernels {

void sgemm_stream_avx512(const SgemmProblem& p, int64_t n_begin, int64_t n_end) {
  sgemm_stream_range_generic(p, n_begin, n_end);
}

}  // namespace hashflop::gemm_kernels
