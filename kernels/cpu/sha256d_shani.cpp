// x86 SHA extensions: sha256rnds2 does two rounds, sha256msg1/msg2 four schedule words.
// sha256rnds2 has a latency of several cycles and each call depends on the one before, so one
// nonce at a time leaves the unit idle; `kLanes` independent nonces are interleaved to hide it.
// Compiled with -msha -mavx2 (VEX encoding saves register copies); chosen at run time from CPUID.
#include <immintrin.h>

#include <array>

#include "sha256d_cpu.hpp"

namespace hashflop::cpu {
namespace {

// Interleaved nonces per step. On the Zen 4 machines here (1 thread): 2 lanes 27.5 MH/s, 3 to 8
// lanes 30.7: sha256rnds2 then issues every ~2 cycles, the SHA unit's limit, so more lanes only
// add spills.
constexpr int kLanes = 3;

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

/// Rounds 16..63 (or up to `last_group`) for all lanes, group by group so that the lanes'
/// independent sha256rnds2 chains interleave.
template <int LastGroup>
inline void schedule_and_rounds(ShaState (&s)[kLanes], __m128i (&g)[kLanes][4]) {
#pragma GCC unroll 16
  for (int j = 4; j <= LastGroup; ++j) {
    for (int l = 0; l < kLanes; ++l) {
      const __m128i w = next_group(g[l][0], g[l][1], g[l][2], g[l][3]);
      g[l][0] = g[l][1];
      g[l][1] = g[l][2];
      g[l][2] = g[l][3];
      g[l][3] = w;
      four_rounds(s[l], _mm_add_epi32(w, k4(4 * j)));
    }
  }
}

void search_block(const sha256d::Job& job, const ShaState& after2, const ShaState& midstate,
                  uint32_t first, uint32_t (&h7)[kLanes]) {
  ShaState s[kLanes];
  __m128i g[kLanes][4];
  const __m128i pad1 = _mm_add_epi32(words(sha256d::block2_pad_word4, 0, 0, 0), k4(4));
  const __m128i pad2 = k4(8);
  const __m128i pad3 = _mm_add_epi32(words(0, 0, 0, sha256d::block2_length_bits), k4(12));
  for (int l = 0; l < kLanes; ++l) {
    const uint32_t w3 = sha256::byte_swap(first + static_cast<uint32_t>(l));
    s[l] = after2;
    two_rounds(s[l], words(job.tail[2] + round_constant(2), w3 + round_constant(3), 0, 0));
    four_rounds(s[l], pad1);
    four_rounds(s[l], pad2);
    four_rounds(s[l], pad3);
    g[l][0] = words(job.tail[0], job.tail[1], job.tail[2], w3);
    g[l][1] = words(sha256d::block2_pad_word4, 0, 0, 0);
    g[l][2] = _mm_setzero_si128();
    g[l][3] = words(0, 0, 0, sha256d::block2_length_bits);
  }
  schedule_and_rounds<15>(s, g);

  // Second hash: message = first digest, then padding for 32 bytes.
  const uint32_t iv[8] = {sha256::initial_state(0), sha256::initial_state(1),
                          sha256::initial_state(2), sha256::initial_state(3),
                          sha256::initial_state(4), sha256::initial_state(5),
                          sha256::initial_state(6), sha256::initial_state(7)};
  const ShaState initial = to_sha_state(iv);
  const __m128i hpad2 = words(sha256d::hash2_pad_word8, 0, 0, 0);
  const __m128i hpad3 = words(0, 0, 0, sha256d::hash2_length_bits);
  for (int l = 0; l < kLanes; ++l) {
    s[l].abef = _mm_add_epi32(s[l].abef, midstate.abef);
    s[l].cdgh = _mm_add_epi32(s[l].cdgh, midstate.cdgh);
    from_sha_state(s[l], g[l][0], g[l][1]);
    g[l][2] = hpad2;
    g[l][3] = hpad3;
    s[l] = initial;
    for (int j = 0; j < 4; ++j) four_rounds(s[l], _mm_add_epi32(g[l][j], k4(4 * j)));
  }
  schedule_and_rounds<14>(s, g);  // rounds 16..59
  for (int l = 0; l < kLanes; ++l) {
    // Rounds 60 and 61 only: after them F holds e after round 60, which alone decides H7.
    const __m128i w = next_group(g[l][0], g[l][1], g[l][2], g[l][3]);
    two_rounds(s[l], _mm_add_epi32(w, k4(60)));
    h7[l] = static_cast<uint32_t>(_mm_cvtsi128_si32(s[l].abef)) + sha256::initial_state(7);
  }
}

}  // namespace

void search_shani(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink) {
  // Rounds 0 and 1 of block 2 see no nonce: once per call, on the scalar core.
  sha256::State<uint32_t> st{};
  for (int i = 0; i < 8; ++i) st.v[i] = job.midstate[i];
  sha256::round_w<0>(st, job.tail[0]);
  sha256::round_w<1>(st, job.tail[1]);
  uint32_t after2[8];
  for (int i = 0; i < 8; ++i) after2[i] = st.v[sha256::slot_after<2>(i)];
  const ShaState after2_state = to_sha_state(after2);
  const ShaState midstate = to_sha_state(job.midstate);

  for (uint64_t done = 0; done < count; done += kLanes) {
    const auto base = static_cast<uint32_t>(first + done);
    uint32_t h7[kLanes];
    search_block(job, after2_state, midstate, base, h7);
    const uint64_t valid = count - done < kLanes ? count - done : kLanes;
    for (uint64_t l = 0; l < valid; ++l) {
      if (sha256::byte_swap(h7[l]) <= job.target_top) sink(base + static_cast<uint32_t>(l));
    }
  }
}

}  // namespace hashflop::cpu
