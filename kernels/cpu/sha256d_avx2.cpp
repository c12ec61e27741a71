// 8 nonces per AVX2 vector. Compiled with -mavx2 only; chosen at run time from CPUID.
#include "sha256d_simd.hpp"

namespace hashflop::cpu {

void search_avx2(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink) {
  using V = uint32_t __attribute__((vector_size(32)));
  simd::search<V>(job, first, count, sink);
}

}  // namespace hashflop::cpu
