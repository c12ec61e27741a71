// 4 nonces per 128-bit NEON vector: the shared SIMD loop on the portable core, as avx2 and
// avx512 are on x86. Advanced SIMD is in every AArch64 CPU, so this needs no run-time check.
// NEON has no 32-bit vector rotate (SHA-3's XAR works on 64-bit lanes only), so GCC builds each
// one from shl, ushr and orr; ~1,550 instructions per nonce (docs/performance.md).
#include "sha256d_simd.hpp"

namespace hashflop::cpu {

void search_neon(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink) {
  using V = uint32_t __attribute__((vector_size(16)));
  simd::search<V>(job, first, count, sink);
}

}  // namespace hashflop::cpu
