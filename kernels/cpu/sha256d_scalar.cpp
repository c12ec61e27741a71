// One nonce at a time on the shared core: the portable baseline every machine can run.
#include "sha256d_cpu.hpp"

namespace hashflop::cpu {

void search_scalar(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink) {
  for (uint64_t i = 0; i < count; ++i) {
    const auto nonce = static_cast<uint32_t>(first + i);
    const uint32_t h7 = sha256d::hash_word7<uint32_t>(job, sha256::byte_swap(nonce));
    if (sha256::byte_swap(h7) <= job.target_top) sink(nonce);
  }
}

}  // namespace hashflop::cpu
