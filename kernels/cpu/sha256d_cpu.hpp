// CPU nonce-search kernels. Each searches nonces [first, first + count) of one job and reports
// every nonce whose hash's top 32 bits are <= job.target_top; the caller re-checks those
// candidates against the full 256-bit target with the scalar reference.
#pragma once

#include <cstdint>

#include "sha256d_job.hpp"

namespace hashflop::cpu {

/// Receives candidate nonces, in increasing order within one call.
struct CandidateSink {
  void (*emit)(void* context, uint32_t nonce);
  void* context;
  void operator()(uint32_t nonce) const { emit(context, nonce); }
};

/// `first + count` may equal 2^32 but not exceed it.
using SearchFn = void (*)(const sha256d::Job& job, uint32_t first, uint64_t count,
                          CandidateSink sink);

void search_scalar(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink);
void search_avx2(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink);
void search_avx512(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink);
void search_shani(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink);
void search_shani_avx512(const sha256d::Job& job, uint32_t first, uint64_t count,
                         CandidateSink sink);
void search_neon(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink);
void search_sha2(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink);

}  // namespace hashflop::cpu
