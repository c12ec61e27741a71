// Bitcoin nonce search: the per-header precomputation (the "job") and the per-nonce hot path,
// shared by every CPU variant and the CUDA kernel.
//
// An 80-byte header hashes as two 64-byte blocks. The first block holds no nonce, so its
// compression (the midstate) is done once per header. In the second block only word 3 (the
// nonce) varies: rounds 0-2, round 3's nonce-free terms and every schedule term that does not
// depend on W3 are computed here once. The second SHA-256 stops after round 60, the last round
// that decides digest word 7, which alone holds the 32 most significant bits of the hash read
// as a little-endian number.
#pragma once

#include "sha256_core.hpp"

namespace hashflop::sha256d {

using sha256::big_sigma0;
using sha256::big_sigma1;
using sha256::choose;
using sha256::majority;
using sha256::round_constant;
using sha256::small_sigma0;
using sha256::small_sigma1;
using sha256::splat;

/// Second block, words 4..15: SHA-256 padding of an 80-byte (640-bit) message.
inline constexpr uint32_t block2_pad_word4 = 0x80000000u;
inline constexpr uint32_t block2_length_bits = 640;
/// Second hash: a 32-byte message, so padding starts at word 8 and the length is 256 bits.
inline constexpr uint32_t hash2_pad_word8 = 0x80000000u;
inline constexpr uint32_t hash2_length_bits = 256;

/// Everything about one header that does not depend on the nonce. Plain data, so it can be
/// copied to the device as a kernel argument.
struct Job {
  uint32_t midstate[8];  ///< SHA-256 state after the header's first 64 bytes.
  uint32_t tail[3];      ///< Block 2 words 0..2: merkle-root tail, time, bits (big-endian words).
  uint32_t state3[8];    ///< Working variables a..h after block 2 rounds 0..2.
  uint32_t a4_base;      ///< Round 3's new a, minus W3.
  uint32_t e4_base;      ///< Round 3's new e, minus W3.
  uint32_t w16, w17;     ///< Schedule words that do not depend on the nonce.
  uint32_t w18_part;     ///< W18 - sigma0(W3).
  uint32_t w19_part;     ///< W19 - W3.
  uint32_t w30_part;     ///< sigma0(W15), the constant term of W30.
  uint32_t w31_part;     ///< sigma0(W16) + W15.
  uint32_t w32_part;     ///< sigma0(W17) + W16.
  uint32_t target_top;   ///< The target's most significant 32 bits.
};

/// Builds the job for an 80-byte header. `target_top` is the top 32 bits of the 256-bit target;
/// a nonce whose hash has top word <= target_top is a candidate for the full 256-bit compare.
HF_HD Job make_job(const unsigned char* header, uint32_t target_top) {
  Job job{};
  uint32_t w[16];
  for (int i = 0; i < 16; ++i) {
    w[i] = sha256::load_be32(header + 4 * i);
  }
  for (int i = 0; i < 8; ++i) {
    job.midstate[i] = sha256::initial_state(i);
  }
  sha256::compress(job.midstate, w);

  for (int i = 0; i < 3; ++i) {
    job.tail[i] = sha256::load_be32(header + 64 + 4 * i);
  }
  sha256::State<uint32_t> s{};
  for (int i = 0; i < 8; ++i) {
    s.v[i] = job.midstate[i];
  }
  sha256::round_w<0>(s, job.tail[0]);
  sha256::round_w<1>(s, job.tail[1]);
  sha256::round_w<2>(s, job.tail[2]);
  for (int i = 0; i < 8; ++i) {
    job.state3[i] = s.v[sha256::slot_after<3>(i)];
  }
  const uint32_t* v = job.state3;  // a..h entering round 3
  const uint32_t t1 = v[7] + big_sigma1(v[4]) + choose(v[4], v[5], v[6]) + round_constant(3);
  const uint32_t t2 = big_sigma0(v[0]) + majority(v[0], v[1], v[2]);
  job.a4_base = t1 + t2;
  job.e4_base = v[3] + t1;

  job.w16 = small_sigma0(job.tail[1]) + job.tail[0];
  job.w17 = small_sigma1(block2_length_bits) + small_sigma0(job.tail[2]) + job.tail[1];
  job.w18_part = small_sigma1(job.w16) + job.tail[2];
  job.w19_part = small_sigma1(job.w17) + small_sigma0(block2_pad_word4);
  job.w30_part = small_sigma0(block2_length_bits);
  job.w31_part = small_sigma0(job.w16) + block2_length_bits;
  job.w32_part = small_sigma0(job.w17) + job.w16;
  job.target_top = target_top;
  return job;
}

template <int First, class V, int... Is>
HF_HD void rounds_from_ring(sha256::State<V>& s, V (&w)[16], std::integer_sequence<int, Is...>) {
  (sha256::round_w<First + Is>(s, sha256::schedule_word<First + Is>(w)), ...);
}

template <int First, class V, int... Is>
HF_HD void rounds_from_words(sha256::State<V>& s, const V (&w)[16],
                             std::integer_sequence<int, Is...>) {
  (sha256::round_w<First + Is>(s, w[Is]), ...);
}

/// Block 2 of the first hash for nonce word `w3` (the nonce, byte-swapped), rounds 3..63.
/// Returns the first hash's digest in `out`.
template <class V>
HF_HD void first_hash_block2(const Job& job, V w3, V (&out)[8]) {
  using sha256::round_kw;
  using sha256::slot_after;
  sha256::State<V> s;
  // Entering round 4: a and e carry the nonce; the rest is round 3's shifted state.
  const uint32_t* v = job.state3;
  s.v[slot_after<4>(0)] = w3 + job.a4_base;
  s.v[slot_after<4>(1)] = splat<V>(v[0]);
  s.v[slot_after<4>(2)] = splat<V>(v[1]);
  s.v[slot_after<4>(3)] = splat<V>(v[2]);
  s.v[slot_after<4>(4)] = w3 + job.e4_base;
  s.v[slot_after<4>(5)] = splat<V>(v[4]);
  s.v[slot_after<4>(6)] = splat<V>(v[5]);
  s.v[slot_after<4>(7)] = splat<V>(v[6]);

  // Rounds 4..15 see only padding words, so K + W is a compile-time constant.
  round_kw<4>(s, splat<V>(round_constant(4) + block2_pad_word4));
  round_kw<5>(s, splat<V>(round_constant(5)));
  round_kw<6>(s, splat<V>(round_constant(6)));
  round_kw<7>(s, splat<V>(round_constant(7)));
  round_kw<8>(s, splat<V>(round_constant(8)));
  round_kw<9>(s, splat<V>(round_constant(9)));
  round_kw<10>(s, splat<V>(round_constant(10)));
  round_kw<11>(s, splat<V>(round_constant(11)));
  round_kw<12>(s, splat<V>(round_constant(12)));
  round_kw<13>(s, splat<V>(round_constant(13)));
  round_kw<14>(s, splat<V>(round_constant(14)));
  round_kw<15>(s, splat<V>(round_constant(15) + block2_length_bits));

  // W16..W32 with every zero padding term dropped; ring slot i % 16 holds W[i].
  V w[16];
  w[0] = splat<V>(job.w16);
  w[1] = splat<V>(job.w17);
  w[2] = small_sigma0(w3) + job.w18_part;
  w[3] = w3 + job.w19_part;
  w[4] = small_sigma1(w[2]) + block2_pad_word4;
  w[5] = small_sigma1(w[3]);
  w[6] = small_sigma1(w[4]) + block2_length_bits;
  w[7] = small_sigma1(w[5]) + w[0];
  w[8] = small_sigma1(w[6]) + w[1];
  w[9] = small_sigma1(w[7]) + w[2];
  w[10] = small_sigma1(w[8]) + w[3];
  w[11] = small_sigma1(w[9]) + w[4];
  w[12] = small_sigma1(w[10]) + w[5];
  w[13] = small_sigma1(w[11]) + w[6];
  w[14] = small_sigma1(w[12]) + w[7] + job.w30_part;
  w[15] = small_sigma1(w[13]) + w[8] + job.w31_part;
  // Rounds 16..31 consume W16..W31 before W32 overwrites slot 0.
  rounds_from_words<16>(s, w, std::make_integer_sequence<int, 16>{});
  w[0] = small_sigma1(w[14]) + w[9] + job.w32_part;
  sha256::round_w<32>(s, w[0]);
  rounds_from_ring<33>(s, w, std::make_integer_sequence<int, 31>{});

  for (int i = 0; i < 8; ++i) {
    out[i] = s.v[slot_after<64>(i)] + job.midstate[i];
  }
}

/// Digest word 7 of the second hash of a 32-byte message (the first hash), after only the
/// rounds that decide it: H7 = IV7 + e after round 60, so rounds 61..63 are skipped.
template <class V>
HF_HD V second_hash_word7(const V (&first)[8]) {
  sha256::State<V> s;
  for (int i = 0; i < 8; ++i) {
    s.v[i] = splat<V>(sha256::initial_state(i));
  }
  V w[16];
  for (int i = 0; i < 8; ++i) {
    w[i] = first[i];
  }
  w[8] = splat<V>(hash2_pad_word8);
  for (int i = 9; i < 15; ++i) {
    w[i] = V{};
  }
  w[15] = splat<V>(hash2_length_bits);
  rounds_from_ring<0>(s, w, std::make_integer_sequence<int, 61>{});
  return s.v[sha256::slot_after<61>(4)] + sha256::initial_state(7);
}

/// The hot path: word 7 of sha256d(header with nonce), for a nonce given as its byte-swapped
/// message word. The hash's top 32 bits, read as a little-endian number, are byte_swap(result).
template <class V>
HF_HD V hash_word7(const Job& job, V w3) {
  V first[8];
  first_hash_block2(job, w3, first);
  return second_hash_word7(first);
}

}  // namespace hashflop::sha256d
