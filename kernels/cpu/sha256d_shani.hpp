// SHA-NI building blocks shared by the SHA-NI kernel and the SHA-NI + AVX-512 hybrid. Include
// only from files compiled with -msha.
#pragma once

#include <immintrin.h>

#include <array>

#include "sha256d_cpu.hpp"

namespace hashflop::cpu::shani {

using sha256::round_constant;

// K as a table in memory: k4() takes a run-time index, and loading four constants from .rodata
// costs one load, where building them from round_constant() rebuilt the whole table per call.
constexpr auto kRoundConstants = [] {
  std::array<uint32_t, 64> k{};
  for (int i = 0; i < 64; ++i) k[static_cast<size_t>(i)] = round_constant(i);
  return k;
}();

inline __m128i k4(int i) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(kRoundConstants.data() + i));
}

inline __m128i words(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  return _mm_set_epi32(static_cast<int>(w3), static_cast<int>(w2), static_cast<int>(w1),
                       static_cast<int>(w0));
}

/// The SHA-NI state layout: ABEF and CDGH, lane 0 last (so lane 0 of abef is F).
struct ShaState {
  __m128i abef, cdgh;
};

inline ShaState to_sha_state(const uint32_t (&s)[8]) {
  return {words(s[5], s[4], s[1], s[0]), words(s[7], s[6], s[3], s[2])};
}

/// Back to canonical order: {A,B,C,D} and {E,F,G,H} with A in lane 0.
inline void from_sha_state(const ShaState& s, __m128i& abcd, __m128i& efgh) {
  const __m128i feba = _mm_shuffle_epi32(s.abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(s.cdgh, 0xB1);
  abcd = _mm_blend_epi16(feba, dchg, 0xF0);
  efgh = _mm_alignr_epi8(dchg, feba, 8);
}

/// Two rounds with K + W in lanes 0 and 1 of `kw`.
inline void two_rounds(ShaState& s, __m128i kw) {
  const __m128i next = _mm_sha256rnds2_epu32(s.cdgh, s.abef, kw);
  s.cdgh = s.abef;
  s.abef = next;
}

inline void four_rounds(ShaState& s, __m128i kw) {
  two_rounds(s, kw);
  two_rounds(s, _mm_shuffle_epi32(kw, 0x0E));
}

/// W[4j..4j+3] from the four groups before it.
inline __m128i next_group(__m128i g0, __m128i g1, __m128i g2, __m128i g3) {
  const __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(g0, g1), _mm_alignr_epi8(g3, g2, 4));
  return _mm_sha256msg2_epu32(t, g3);
}

/// One nonce in flight: its state and the last four schedule groups.
struct Lane {
  ShaState s;
  __m128i g[4];
};

/// Rounds 4j..4j+3 for j >= 4, computing their schedule group from the previous four.
inline void schedule_step(Lane& lane, int j) {
  const __m128i w = next_group(lane.g[0], lane.g[1], lane.g[2], lane.g[3]);
  lane.g[0] = lane.g[1];
  lane.g[1] = lane.g[2];
  lane.g[2] = lane.g[3];
  lane.g[3] = w;
  four_rounds(lane.s, _mm_add_epi32(w, k4(4 * j)));
}

/// First hash, block 2, rounds 2..15 from the state after round 1 (`after2`).
inline void first_hash_begin(Lane& lane, const sha256d::Job& job, const ShaState& after2,
                             uint32_t nonce) {
  const uint32_t w3 = sha256::byte_swap(nonce);
  lane.s = after2;
  two_rounds(lane.s, words(job.tail[2] + round_constant(2), w3 + round_constant(3), 0, 0));
  four_rounds(lane.s, _mm_add_epi32(words(sha256d::block2_pad_word4, 0, 0, 0), k4(4)));
  four_rounds(lane.s, k4(8));
  four_rounds(lane.s, _mm_add_epi32(words(0, 0, 0, sha256d::block2_length_bits), k4(12)));
  lane.g[0] = words(job.tail[0], job.tail[1], job.tail[2], w3);
  lane.g[1] = words(sha256d::block2_pad_word4, 0, 0, 0);
  lane.g[2] = _mm_setzero_si128();
  lane.g[3] = words(0, 0, 0, sha256d::block2_length_bits);
}

/// Ends the first hash (adds the midstate) and runs the second hash's rounds 0..15.
inline void second_hash_begin(Lane& lane, const ShaState& midstate, const ShaState& initial) {
  lane.s.abef = _mm_add_epi32(lane.s.abef, midstate.abef);
  lane.s.cdgh = _mm_add_epi32(lane.s.cdgh, midstate.cdgh);
  from_sha_state(lane.s, lane.g[0], lane.g[1]);
  lane.g[2] = words(sha256d::hash2_pad_word8, 0, 0, 0);
  lane.g[3] = words(0, 0, 0, sha256d::hash2_length_bits);
  lane.s = initial;
  for (int j = 0; j < 4; ++j) four_rounds(lane.s, _mm_add_epi32(lane.g[j], k4(4 * j)));
}

/// Rounds 60 and 61 only: after them F holds e after round 60, which alone decides digest
/// word 7. Returns that word.
inline uint32_t second_hash_finish(Lane& lane) {
  const __m128i w = next_group(lane.g[0], lane.g[1], lane.g[2], lane.g[3]);
  two_rounds(lane.s, _mm_add_epi32(w, k4(60)));
  return static_cast<uint32_t>(_mm_cvtsi128_si32(lane.s.abef)) + sha256::initial_state(7);
}

/// The state after block 2's rounds 0 and 1, which see no nonce; once per job.
inline ShaState state_after_round2(const sha256d::Job& job) {
  sha256::State<uint32_t> st{};
  for (int i = 0; i < 8; ++i) st.v[i] = job.midstate[i];
  sha256::round_w<0>(st, job.tail[0]);
  sha256::round_w<1>(st, job.tail[1]);
  uint32_t after2[8];
  for (int i = 0; i < 8; ++i) after2[i] = st.v[sha256::slot_after<2>(i)];
  return to_sha_state(after2);
}

inline ShaState initial_sha_state() {
  uint32_t iv[8];
  for (int i = 0; i < 8; ++i) iv[i] = sha256::initial_state(i);
  return to_sha_state(iv);
}

}  // namespace hashflop::cpu::shani
