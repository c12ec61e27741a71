// 16 nonces per AVX-512 vector: vprord does each rotate in one instruction and vpternlogd each
// Ch, Maj and three-way XOR. Compiled with -mavx512f -mavx512vl; chosen at run time from CPUID.
#include "sha256d_simd.hpp"

namespace hashflop::cpu {

void search_avx512(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink) {
  using V = uint32_t __attribute__((vector_size(64)));
  simd::search<V>(job, first, count, sink);
}

}  // namespace hashflop::cpu
