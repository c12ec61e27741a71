// The one SHA-256 core (FIPS 180-4) shared by every CPU and CUDA path.
//
// Everything is templated on the lane type V: uint32_t for scalar and CUDA code, a GCC vector
// type (8 or 16 lanes of uint32_t) for the SIMD kernels. V needs +, ^, &, |, >> and << by an
// int, which both plain integers and GCC vector extensions provide. Round and schedule indices
// are template parameters, so every array index is a compile-time constant: compilers keep the
// state and the schedule window in registers and fold the known-zero padding words away.
#pragma once

#include <cstdint>
#include <utility>

#if defined(__CUDACC__)
#define HF_HD __host__ __device__ __forceinline__
#else
#define HF_HD inline __attribute__((always_inline))
#endif

namespace hashflop::sha256 {

/// Round constants K[0..63], FIPS 180-4 section 4.2.2. A function, not an array, because a
/// namespace-scope array is not addressable from device code; called with constant indices it
/// folds to an immediate.
HF_HD constexpr uint32_t round_constant(int i) {
  constexpr uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  return k[i];
}

/// Initial hash value H(0), FIPS 180-4 section 5.3.3.
HF_HD constexpr uint32_t initial_state(int i) {
  constexpr uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  return h[i];
}

template <int N, class V>
HF_HD V rotr(V x) {
#if defined(__CUDA_ARCH__)
  if constexpr (sizeof(V) == 4) {
    return __funnelshift_r(x, x, N);  // one SHF instruction
  }
#endif
  return (x >> N) | (x << (32 - N));
}

template <class V>
HF_HD V big_sigma0(V x) {
  return rotr<2>(x) ^ rotr<13>(x) ^ rotr<22>(x);
}
template <class V>
HF_HD V big_sigma1(V x) {
  return rotr<6>(x) ^ rotr<11>(x) ^ rotr<25>(x);
}
template <class V>
HF_HD V small_sigma0(V x) {
  return rotr<7>(x) ^ rotr<18>(x) ^ (x >> 3);
}
template <class V>
HF_HD V small_sigma1(V x) {
  return rotr<17>(x) ^ rotr<19>(x) ^ (x >> 10);
}
// Written in the forms that map to one 3-input logic op (LOP3 on NVIDIA, vpternlogd with
// AVX-512) and need no NOT on machines without one.
template <class V>
HF_HD V choose(V e, V f, V g) {
  return g ^ (e & (f ^ g));
}
template <class V>
HF_HD V majority(V a, V b, V c) {
  return (a & b) | (c & (a | b));
}

/// Working variables a..h. Round I reads them rotated by I, so no register moves are needed.
template <class V>
struct State {
  V v[8];
};

/// One compression round with a precomputed K[i] + W[i]. The state is addressed rotated by I:
/// after the round, the slot that held h holds the new a and the slot that held d the new e.
template <int I, class V>
HF_HD void round_kw(State<V>& s, V kw) {
  V& a = s.v[(8 - I % 8) % 8];
  V& b = s.v[(9 - I % 8) % 8];
  V& c = s.v[(10 - I % 8) % 8];
  V& d = s.v[(11 - I % 8) % 8];
  V& e = s.v[(12 - I % 8) % 8];
  V& f = s.v[(13 - I % 8) % 8];
  V& g = s.v[(14 - I % 8) % 8];
  V& h = s.v[(15 - I % 8) % 8];
  const V t1 = h + big_sigma1(e) + choose(e, f, g) + kw;
  d = d + t1;
  h = t1 + big_sigma0(a) + majority(a, b, c);
}

template <int I, class V>
HF_HD void round_w(State<V>& s, V w) {
  round_kw<I>(s, w + round_constant(I));
}

/// A lane value with every lane equal to c (a GCC vector plus a scalar broadcasts).
template <class V>
HF_HD V splat(uint32_t c) {
  return V{} + c;
}

/// After rounds [0, R), working variable `which` (0 = a ... 7 = h) sits in this slot.
template <int R>
HF_HD constexpr int slot_after(int which) {
  return (which + 8 - R % 8) % 8;
}

/// Message schedule word I, computed in place in a ring that holds W[I-16..I-1].
template <int I, class V>
HF_HD V schedule_word(V (&w)[16]) {
  if constexpr (I >= 16) {
    w[I % 16] = small_sigma1(w[(I - 2) % 16]) + w[(I - 7) % 16] + small_sigma0(w[(I - 15) % 16]) +
                w[I % 16];
  }
  return w[I % 16];
}

/// Rounds Is... with the schedule computed on the fly.
template <class V, int... Is>
HF_HD void schedule_rounds(State<V>& s, V (&w)[16], std::integer_sequence<int, Is...>) {
  (round_w<Is>(s, schedule_word<Is>(w)), ...);
}

/// Full compression of one 64-byte block given as 16 big-endian words: state += rounds(state, w).
/// The state is in canonical order (H0..H7); `w` is clobbered.
template <class V>
HF_HD void compress(V (&state)[8], V (&w)[16]) {
  State<V> s{{state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7]}};
  schedule_rounds(s, w, std::make_integer_sequence<int, 64>{});
  for (int i = 0; i < 8; ++i) {
    state[i] = state[i] + s.v[slot_after<64>(i)];
  }
}

HF_HD constexpr uint32_t byte_swap(uint32_t x) {
#if defined(__CUDA_ARCH__)
  return __byte_perm(x, 0, 0x0123);  // one PRMT
#else
  return __builtin_bswap32(x);
#endif
}

HF_HD constexpr uint32_t load_be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

HF_HD constexpr uint32_t load_le32(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

}  // namespace hashflop::sha256
