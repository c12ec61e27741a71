// The Armv8 SHA-2 instructions (FEAT_SHA256): sha256h and sha256h2 do four rounds on the ABCD
// and EFGH halves of the state, sha256su0/su1 four schedule words. Each four-round group needs
// both halves of the group before, so one nonce is a chain of 4-cycle latencies; `kLanes`
// independent nonces are interleaved to keep the SHA unit busy. The instructions are reached
// through <arm_neon.h> intrinsics; this file alone is compiled with +sha2, and the variant is
// chosen at run time from HWCAP_SHA2.
#include <arm_neon.h>

#include <array>
#include <cstddef>

#include "sha256d_cpu.hpp"

namespace hashflop::cpu {
namespace {

using sha256::round_constant;

// On Neoverse V2 (Grace) every SHA-256 instruction issues to the one V0 pipe: sha256h/h2 with
// 4 cycles of latency, su0/su1 with 2 (Arm's V2 Software Optimization Guide, as LLVM's
// scheduling model encodes it). A nonce brings ~3.5 V0 instructions per four-round group
// against 4 cycles of latency, so 2 lanes nearly cover it and 3 leave slack; 4 lanes would need
// all 32 vector registers for states and schedule windows.
constexpr int kLanes = 3;

#define HF_EACH_LANE _Pragma("GCC unroll 8") for (int l = 0; l < kLanes; ++l)

// K as a table so that four constants are one 128-bit load.
alignas(16) constexpr auto kRoundConstants = [] {
  std::array<uint32_t, 64> k{};
  for (int i = 0; i < 64; ++i) k[static_cast<size_t>(i)] = round_constant(i);
  return k;
}();

inline uint32x4_t k4(int i) {
  return vld1q_u32(kRoundConstants.data() + i);
}

inline uint32x4_t words(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  const uint32_t w[4] = {w0, w1, w2, w3};
  return vld1q_u32(w);
}

/// The state as the instructions hold it: {A, B, C, D} and {E, F, G, H}, A and E in lane 0.
struct State {
  uint32x4_t abcd, efgh;
};

inline void four_rounds(State& s, uint32x4_t kw) {
  const uint32x4_t abcd = s.abcd;
  s.abcd = vsha256hq_u32(abcd, s.efgh, kw);
  s.efgh = vsha256h2q_u32(s.efgh, abcd, kw);  // h2 takes the ABCD from before the rounds
}

/// W[4j..4j+3] from the four groups before it.
inline uint32x4_t next_group(uint32x4_t g0, uint32x4_t g1, uint32x4_t g2, uint32x4_t g3) {
  return vsha256su1q_u32(vsha256su0q_u32(g0, g1), g2, g3);
}

/// One nonce in flight: its state and the last four schedule groups.
struct Lane {
  State s;
  uint32x4_t g[4];
};

inline void schedule_step(Lane& lane, int j) {
  const uint32x4_t w = next_group(lane.g[0], lane.g[1], lane.g[2], lane.g[3]);
  lane.g[0] = lane.g[1];
  lane.g[1] = lane.g[2];
  lane.g[2] = lane.g[3];
  lane.g[3] = w;
  four_rounds(lane.s, vaddq_u32(w, k4(4 * j)));
}

/// What every nonce of a job shares: the midstate, block 2's first schedule group without the
/// nonce, and K + W of the padding groups of both hashes.
struct Constants {
  State midstate, initial;
  uint32x4_t tail;       ///< W0..W2 of block 2, lane 3 free for the nonce
  uint32x4_t kw0;        ///< K0..K2 + W0..W2, lane 3 K3 (the nonce is added per lane)
  uint32x4_t block2[3];  ///< groups 1..3 of block 2: padding
  uint32x4_t kw_block2[3];
  uint32x4_t hash2[2];  ///< groups 2..3 of the second hash: padding
  uint32x4_t kw_hash2[2];
};

Constants make_constants(const sha256d::Job& job) {
  Constants c;
  const uint32_t* m = job.midstate;
  c.midstate = {words(m[0], m[1], m[2], m[3]), words(m[4], m[5], m[6], m[7])};
  using sha256::initial_state;
  c.initial = {words(initial_state(0), initial_state(1), initial_state(2), initial_state(3)),
               words(initial_state(4), initial_state(5), initial_state(6), initial_state(7))};
  c.tail = words(job.tail[0], job.tail[1], job.tail[2], 0);
  c.kw0 = vaddq_u32(c.tail, k4(0));
  c.block2[0] = words(sha256d::block2_pad_word4, 0, 0, 0);
  c.block2[1] = vdupq_n_u32(0);
  c.block2[2] = words(0, 0, 0, sha256d::block2_length_bits);
  for (int j = 0; j < 3; ++j) c.kw_block2[j] = vaddq_u32(c.block2[j], k4(4 * (j + 1)));
  c.hash2[0] = words(sha256d::hash2_pad_word8, 0, 0, 0);
  c.hash2[1] = words(0, 0, 0, sha256d::hash2_length_bits);
  for (int j = 0; j < 2; ++j) c.kw_hash2[j] = vaddq_u32(c.hash2[j], k4(4 * (j + 2)));
  return c;
}

/// Block 2 of the first hash for one nonce: all 64 rounds (the instructions work in groups of
/// four, so the nonce-free rounds 0..2 cannot be hoisted as the portable kernels do).
inline void first_hash_begin(Lane& lane, const Constants& c, uint32_t nonce) {
  const uint32_t w3 = sha256::byte_swap(nonce);
  lane.s = c.midstate;
  four_rounds(lane.s, vsetq_lane_u32(w3 + round_constant(3), c.kw0, 3));
  for (int j = 0; j < 3; ++j) four_rounds(lane.s, c.kw_block2[j]);
  lane.g[0] = vsetq_lane_u32(w3, c.tail, 3);
  lane.g[1] = c.block2[0];
  lane.g[2] = c.block2[1];
  lane.g[3] = c.block2[2];
}

/// Ends the first hash (adds the midstate) and runs the second hash's rounds 0..15.
inline void second_hash_begin(Lane& lane, const Constants& c) {
  lane.g[0] = vaddq_u32(lane.s.abcd, c.midstate.abcd);
  lane.g[1] = vaddq_u32(lane.s.efgh, c.midstate.efgh);
  lane.g[2] = c.hash2[0];
  lane.g[3] = c.hash2[1];
  lane.s = c.initial;
  four_rounds(lane.s, vaddq_u32(lane.g[0], k4(0)));
  four_rounds(lane.s, vaddq_u32(lane.g[1], k4(4)));
  four_rounds(lane.s, c.kw_hash2[0]);
  four_rounds(lane.s, c.kw_hash2[1]);
}

/// The last group, rounds 60..63, as sha256h2 alone: lane 3 of its result (H after round 63)
/// is e after round 60, which alone decides digest word 7, and W61..W63 never reach it.
inline uint32_t second_hash_finish(Lane& lane) {
  const uint32x4_t w = next_group(lane.g[0], lane.g[1], lane.g[2], lane.g[3]);
  const uint32x4_t efgh = vsha256h2q_u32(lane.s.efgh, lane.s.abcd, vaddq_u32(w, k4(60)));
  return vgetq_lane_u32(efgh, 3) + sha256::initial_state(7);
}

void search_block(const Constants& c, uint32_t first, uint32_t (&h7)[kLanes]) {
  Lane lanes[kLanes];
  HF_EACH_LANE first_hash_begin(lanes[l], c, first + static_cast<uint32_t>(l));
#pragma GCC unroll 16
  for (int j = 4; j < 16; ++j) {
    HF_EACH_LANE schedule_step(lanes[l], j);
  }
  HF_EACH_LANE second_hash_begin(lanes[l], c);
#pragma GCC unroll 16
  for (int j = 4; j < 15; ++j) {
    HF_EACH_LANE schedule_step(lanes[l], j);
  }
  HF_EACH_LANE h7[l] = second_hash_finish(lanes[l]);
}

}  // namespace

void search_sha2(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink) {
  const Constants c = make_constants(job);
  for (uint64_t done = 0; done < count; done += kLanes) {
    // Lanes past the range's end may wrap past 2^32 - 1; they are not reported.
    const auto base = static_cast<uint32_t>(first + done);
    uint32_t h7[kLanes];
    search_block(c, base, h7);
    const uint64_t valid = count - done < kLanes ? count - done : kLanes;
    for (uint64_t l = 0; l < valid; ++l) {
      if (sha256::byte_swap(h7[l]) <= job.target_top) sink(base + static_cast<uint32_t>(l));
    }
  }
}

}  // namespace hashflop::cpu
