// SHA-NI rounds fed by a message schedule that 256-bit AVX-512VL vectors compute, 8 nonces at a
// time.
//
// Why two units: on Zen 4 sha256rnds2 issues once per cycle with a latency of 4 cycles, so enough
// interleaved nonces could run a nonce's 62 sha256rnds2 in about 62 cycles. The plain SHA-NI
// kernel takes ~120: its schedule (sha256msg1/msg2, palignr) and the vector adds and shuffles
// that build K + W in xmm0 compete with sha256rnds2. Here the SHA side only loads K + W pairs
// from a table, and the vector pipes fill that table one batch ahead. The two are interleaved in
// the instruction stream, a few schedule words per round step, so the out-of-order core runs
// them side by side.
//
// Pipeline, per batch b of 8 nonces:
//   phase A: hash-1 rounds of batch b      beside  the hash-1 schedule of batch b + 1
//   phase B: hash-2 rounds of batch b - 1  beside  the hash-2 schedule of batch b (its digests)
// Compiled with -msha -mavx512f -mavx512vl; chosen at run time from CPUID.
#include <array>
#include <cstring>
#include <utility>

#include "sha256d_shani.hpp"

namespace hashflop::cpu {
namespace {

using namespace shani;
using sha256::round_constant;
using sha256::small_sigma0;
using sha256::small_sigma1;

using V = uint32_t __attribute__((vector_size(32)));

// Eight nonces per batch: one schedule vector, and eight sha256rnds2 chains in flight, twice the
// latency, which leaves the slack the vector work needs (four chains: ~4% slower with GCC 12,
// ~12% with clang 14).
constexpr int kBatch = 8;
constexpr int kPairs = 32;       // table row p: K + W of rounds 2p and 2p + 1
constexpr int kSteps = 31;       // sha256rnds2 per nonce per hash
constexpr int kHash1Tasks = 24;  // table rows 1 and 9..31
constexpr int kHash2Tasks = 28;  // the digests, rows 0..3 and 8..30

#define HF_INLINE inline __attribute__((always_inline))
#define HF_UNROLL _Pragma("GCC unroll 8")

/// K as vectors in memory, read through a pointer the compiler cannot see through: GCC otherwise
/// rebuilds each splat from an immediate (a move to a general register and a broadcast), where
/// an add can take it from a load, which costs no vector pipe.
alignas(64) constexpr auto kRoundConstantVectors = [] {
  std::array<V, 64> k{};
  for (int i = 0; i < 64; ++i) k[static_cast<size_t>(i)] = V{} + round_constant(i);
  return k;
}();

HF_INLINE V splat(uint32_t c) {
  return V{} + c;
}

/// Where nonce `i` of a batch lands in a table row: the order the unpacks in store_row leave.
constexpr int slot_of(int i) {
  return (i & 1) + ((i >> 2) & 1) * 2 + ((i >> 1) & 1) * 4;
}

struct alignas(64) PairTable {
  uint64_t row[kPairs][kBatch];
};

/// Interleaves K + W of two rounds into per-nonce 64-bit pairs, the low half for the even round,
/// with in-lane unpacks only: cheap, at the price of the slot order slot_of() describes.
HF_INLINE void store_row(PairTable& t, int p, V even, V odd) {
  const V lo = __builtin_shufflevector(even, odd, 0, 8, 1, 9, 4, 12, 5, 13);
  const V hi = __builtin_shufflevector(even, odd, 2, 10, 3, 11, 6, 14, 7, 15);
  std::memcpy(&t.row[p][0], &lo, sizeof lo);
  std::memcpy(&t.row[p][4], &hi, sizeof hi);
}

HF_INLINE __m128i load_pair(const uint64_t& pair) {
  return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(&pair));
}

constexpr uint64_t pair(uint32_t even, uint32_t odd) {
  return even | (static_cast<uint64_t>(odd) << 32);
}

/// One call's state: the job in SHA-NI form, and the tables, double-buffered because each phase
/// reads one batch's table while it writes the next one's.
struct Pipeline {
  ShaState after2, initial;
  const V* k;
  uint64_t hash1_const[kPairs];  // rows 2..8: rounds 4..17 see padding and W16, W17 only
  uint64_t hash2_const[kPairs];  // rows 4..7: rounds 8..15 see padding only
  PairTable hash1[2], hash2[2];
  alignas(32) uint32_t digest[kBatch][8];  // hash-1 states after their rounds, SHA-NI order
  uint32_t h7[kBatch];
};

/// The hash-1 schedule of a batch as kHash1Tasks tasks, each filling one table row. The words
/// follow sha256d::first_hash_block2, where the zero padding words drop out of W18..W32.
struct Hash1Schedule {
  const sha256d::Job& job;
  PairTable& out;
  const V* k;
  V w[64];

  Hash1Schedule(const sha256d::Job& j, PairTable& t, const V* kv, V w3) : job(j), out(t), k(kv) {
    w[3] = w3;
    w[16] = splat(job.w16);
    w[17] = splat(job.w17);
  }

  template <int K>
  HF_INLINE void task() {
    if constexpr (K == 0) {
      store_row(out, 1, splat(job.tail[2] + round_constant(2)), w[3] + k[3]);
    } else {
      constexpr int p = K + 8;
      word<2 * p>();
      word<2 * p + 1>();
      store_row(out, p, w[2 * p] + k[2 * p], w[2 * p + 1] + k[2 * p + 1]);
    }
  }

  template <int I>
  HF_INLINE void word() {
    if constexpr (I == 18) {
      w[18] = small_sigma0(w[3]) + job.w18_part;
    } else if constexpr (I == 19) {
      w[19] = w[3] + job.w19_part;
    } else if constexpr (I == 20) {
      w[20] = small_sigma1(w[18]) + sha256d::block2_pad_word4;
    } else if constexpr (I == 21) {
      w[21] = small_sigma1(w[19]);
    } else if constexpr (I == 22) {
      w[22] = small_sigma1(w[20]) + sha256d::block2_length_bits;
    } else if constexpr (I < 30) {
      w[I] = small_sigma1(w[I - 2]) + w[I - 7];
    } else if constexpr (I == 30) {
      w[30] = small_sigma1(w[28]) + w[23] + job.w30_part;
    } else if constexpr (I == 31) {
      w[31] = small_sigma1(w[29]) + w[24] + job.w31_part;
    } else if constexpr (I == 32) {
      w[32] = small_sigma1(w[30]) + w[25] + job.w32_part;
    } else {
      w[I] = small_sigma1(w[I - 2]) + w[I - 7] + small_sigma0(w[I - 15]) + w[I - 16];
    }
  }
};

/// The hash-2 schedule of a batch, from its hash-1 states, as kHash2Tasks tasks. The padding
/// words W8..W15 are literals, so the compiler folds every term they contribute.
struct Hash2Schedule {
  const sha256d::Job& job;
  const uint32_t (&digest)[kBatch][8];
  PairTable& out;
  const V* k;
  V w[61];

  Hash2Schedule(const sha256d::Job& j, const uint32_t (&d)[kBatch][8], PairTable& t, const V* kv)
      : job(j), digest(d), out(t), k(kv) {
    w[8] = splat(sha256d::hash2_pad_word8);
    HF_UNROLL for (int i = 9; i < 15; ++i) w[i] = V{};
    w[15] = splat(sha256d::hash2_length_bits);
  }

  template <int K>
  HF_INLINE void task() {
    if constexpr (K == 0) {
      load_digests();
    } else if constexpr (K <= 4) {
      constexpr int p = K - 1;
      store_row(out, p, w[2 * p] + k[2 * p], w[2 * p + 1] + k[2 * p + 1]);
    } else if constexpr (K + 3 < 30) {
      constexpr int p = K + 3;
      word<2 * p>();
      word<2 * p + 1>();
      store_row(out, p, w[2 * p] + k[2 * p], w[2 * p + 1] + k[2 * p + 1]);
    } else {
      // Row 30: round 60 decides digest word 7. Round 61, the other half of the last
      // sha256rnds2, cannot change it, so its K + W may be anything.
      word<60>();
      store_row(out, 30, w[60] + k[60], V{});
    }
  }

  template <int I>
  HF_INLINE void word() {
    w[I] = small_sigma1(w[I - 2]) + w[I - 7] + small_sigma0(w[I - 15]) + w[I - 16];
  }

  /// Transposes the 8 states (a row per nonce, SHA-NI order F E B A H G D C) into a vector per
  /// word and adds the midstate: hash 1's digest, which is hash 2's W0..W7.
  HF_INLINE void load_digests() {
    V r[8], t[8], u[8], col[8];
    HF_UNROLL for (int n = 0; n < kBatch; ++n) std::memcpy(&r[n], digest[n], sizeof(V));
    HF_UNROLL for (int i = 0; i < 4; ++i) {
      t[2 * i] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
      t[2 * i + 1] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    HF_UNROLL for (int i = 0; i < 8; i += 4) {
      u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
      u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
      u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
      u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    HF_UNROLL for (int j = 0; j < 4; ++j) {
      col[j] = __builtin_shufflevector(u[j], u[j + 4], 0, 1, 2, 3, 8, 9, 10, 11);
      col[j + 4] = __builtin_shufflevector(u[j], u[j + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
    constexpr int kColumnOf[8] = {3, 2, 7, 6, 1, 0, 5, 4};  // where A..H sit
    HF_UNROLL for (int i = 0; i < 8; ++i) w[i] = col[kColumnOf[i]] + job.midstate[i];
  }
};

/// One hash's rounds for a batch, 31 sha256rnds2 per nonce. Hash 1 starts from the state after
/// round 1 (table rows 1..31; rows 2..8 are the job's constants) and leaves its states for the
/// hash-2 schedule; hash 2 starts from the IV (rows 0..30; rows 4..7 constant) and keeps digest
/// word 7, IV7 + F after round 61.
template <int Hash>
struct Rounds {
  Pipeline& pl;
  const PairTable& in;
  ShaState s[kBatch];

  template <int S>
  HF_INLINE void step() {
    constexpr int p = Hash == 1 ? S + 1 : S;
    constexpr bool constant_row = Hash == 1 ? p >= 2 && p <= 8 : p >= 4 && p <= 7;
    if constexpr (S == 0) {
      HF_UNROLL for (int n = 0; n < kBatch; ++n) s[n] = Hash == 1 ? pl.after2 : pl.initial;
    }
    HF_UNROLL for (int n = 0; n < kBatch; ++n) {
      if constexpr (constant_row) {
        two_rounds(s[n], load_pair(Hash == 1 ? pl.hash1_const[p] : pl.hash2_const[p]));
      } else {
        two_rounds(s[n], load_pair(in.row[p][slot_of(n)]));
      }
    }
    if constexpr (S == kSteps - 1 && Hash == 1) {
      HF_UNROLL for (int n = 0; n < kBatch; ++n) {
        auto* d = reinterpret_cast<__m128i*>(pl.digest[n]);
        _mm_store_si128(d, s[n].abef);
        _mm_store_si128(d + 1, s[n].cdgh);
      }
    }
    if constexpr (S == kSteps - 1 && Hash == 2) {
      HF_UNROLL for (int n = 0; n < kBatch; ++n) {
        pl.h7[n] = static_cast<uint32_t>(_mm_cvtsi128_si32(s[n].abef)) + sha256::initial_state(7);
      }
    }
  }
};

/// Round step S, then the schedule tasks that fall on it, spread evenly over the steps.
template <int S, int Tasks, class Rounds, class Schedule>
HF_INLINE void step_with_tasks(Rounds& rounds, Schedule& schedule) {
  rounds.template step<S>();
  [&]<int... K>(std::integer_sequence<int, K...>) {
    (
        [&] {
          if constexpr (K * kSteps / Tasks == S) schedule.template task<K>();
        }(),
        ...);
  }
  (std::make_integer_sequence<int, Tasks>{});
}

template <int Tasks, class Rounds, class Schedule>
HF_INLINE void interleave(Rounds& rounds, Schedule& schedule) {
  [&]<int... S>(std::integer_sequence<int, S...>) {
    (step_with_tasks<S, Tasks>(rounds, schedule), ...);
  }
  (std::make_integer_sequence<int, kSteps>{});
}

/// Message word 3 of nonces first .. first + 7: the nonces, byte-swapped.
HF_INLINE V nonce_words(uint32_t first) {
  V n{};
  HF_UNROLL for (int i = 0; i < kBatch; ++i) n[i] = first + static_cast<uint32_t>(i);
  return (n << 24) | ((n & 0xff00u) << 8) | ((n >> 8) & 0xff00u) | (n >> 24);
}

/// Phase A of iteration b: hash-1 rounds of batch b, hash-1 schedule of batch b + 1.
__attribute__((noinline)) void phase_a(const sha256d::Job& job, Pipeline& pl, uint64_t b,
                                       uint32_t next_first) {
  Rounds<1> rounds{pl, pl.hash1[b & 1], {}};
  Hash1Schedule schedule(job, pl.hash1[(b + 1) & 1], pl.k, nonce_words(next_first));
  interleave<kHash1Tasks>(rounds, schedule);
}

/// Phase B of iteration b: hash-2 rounds of batch b - 1, hash-2 schedule of batch b.
__attribute__((noinline)) void phase_b(const sha256d::Job& job, Pipeline& pl, uint64_t b) {
  Rounds<2> rounds{pl, pl.hash2[(b + 1) & 1], {}};
  Hash2Schedule schedule(job, pl.digest, pl.hash2[b & 1], pl.k);
  interleave<kHash2Tasks>(rounds, schedule);
}

void start(const sha256d::Job& job, Pipeline& pl, uint32_t first) {
  std::memset(&pl, 0, sizeof pl);
  pl.after2 = state_after_round2(job);
  pl.initial = initial_sha_state();
  pl.k = kRoundConstantVectors.data();
  auto k = [](int i) { return round_constant(i); };
  for (int p = 2; p <= 8; ++p) pl.hash1_const[p] = pair(k(2 * p), k(2 * p + 1));
  pl.hash1_const[2] = pair(k(4) + sha256d::block2_pad_word4, k(5));
  pl.hash1_const[7] = pair(k(14), k(15) + sha256d::block2_length_bits);
  pl.hash1_const[8] = pair(k(16) + job.w16, k(17) + job.w17);
  for (int p = 4; p <= 7; ++p) pl.hash2_const[p] = pair(k(2 * p), k(2 * p + 1));
  pl.hash2_const[4] = pair(k(8) + sha256d::hash2_pad_word8, k(9));
  pl.hash2_const[7] = pair(k(14), k(15) + sha256d::hash2_length_bits);

  // The prologue: batch 0's hash-1 schedule, alone.
  Hash1Schedule schedule(job, pl.hash1[0], pl.k, nonce_words(first));
  [&]<int... K>(std::integer_sequence<int, K...>) {
    (schedule.template task<K>(), ...);
  }
  (std::make_integer_sequence<int, kHash1Tasks>{});
}

}  // namespace

void search_shani_avx512(const sha256d::Job& job, uint32_t first, uint64_t count,
                         CandidateSink sink) {
  if (count == 0) return;
  Pipeline pl;
  start(job, pl, first);
  const uint64_t batches = (count + kBatch - 1) / kBatch;
  // Iteration b finishes batch b - 1. The first iteration's phase B hashes a zeroed table and the
  // last one's phase A the batch past the end; neither result is read.
  for (uint64_t b = 0; b <= batches; ++b) {
    phase_a(job, pl, b, static_cast<uint32_t>(first + (b + 1) * kBatch));
    phase_b(job, pl, b);
    if (b == 0) continue;
    const uint64_t done = (b - 1) * kBatch;
    const uint64_t valid = count - done < kBatch ? count - done : kBatch;
    for (uint64_t i = 0; i < valid; ++i) {
      if (sha256::byte_swap(pl.h7[i]) <= job.target_top) {
        sink(static_cast<uint32_t>(first + done + i));
      }
    }
  }
}

}  // namespace hashflop::cpu
