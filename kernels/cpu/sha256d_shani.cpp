// x86 SHA extensions: sha256rnds2 does two rounds, sha256msg1/msg2 four schedule words.
// sha256rnds2 has a latency of several cycles and each call depends on the one before, so one
// nonce at a time leaves the unit idle; `kLanes` independent nonces are interleaved to hide it.
// Compiled with -msha -mavx2 (VEX encoding saves register copies); chosen at run time from CPUID.
#include "sha256d_shani.hpp"

namespace hashflop::cpu {
namespace {

using namespace shani;

// Interleaved nonces per step. On the Zen 4 machines here (1 thread): 2 lanes 27.5 MH/s, 3 to 8
// lanes 30.7: sha256rnds2 then issues every ~2 cycles, the SHA unit's limit, so more lanes only
// add spills.
constexpr int kLanes = 3;

#define HF_EACH_LANE _Pragma("GCC unroll 8") for (int l = 0; l < kLanes; ++l)

void search_block(const sha256d::Job& job, const ShaState& after2, const ShaState& midstate,
                  const ShaState& initial, uint32_t first, uint32_t (&h7)[kLanes]) {
  Lane lanes[kLanes];
  HF_EACH_LANE first_hash_begin(lanes[l], job, after2, first + static_cast<uint32_t>(l));
#pragma GCC unroll 16
  for (int j = 4; j < 16; ++j) {
    HF_EACH_LANE schedule_step(lanes[l], j);
  }
  HF_EACH_LANE second_hash_begin(lanes[l], midstate, initial);
#pragma GCC unroll 16
  for (int j = 4; j < 15; ++j) {
    HF_EACH_LANE schedule_step(lanes[l], j);
  }
  HF_EACH_LANE h7[l] = second_hash_finish(lanes[l]);
}

}  // namespace

void search_shani(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink) {
  const ShaState after2 = state_after_round2(job);
  const ShaState midstate = to_sha_state(job.midstate);
  const ShaState initial = initial_sha_state();
  for (uint64_t done = 0; done < count; done += kLanes) {
    const auto base = static_cast<uint32_t>(first + done);
    uint32_t h7[kLanes];
    search_block(job, after2, midstate, initial, base, h7);
    const uint64_t valid = count - done < kLanes ? count - done : kLanes;
    for (uint64_t l = 0; l < valid; ++l) {
      if (sha256::byte_swap(h7[l]) <= job.target_top) sink(base + static_cast<uint32_t>(l));
    }
  }
}

}  // namespace hashflop::cpu
