// A lane type for the shared SHA-256 core that moves a chosen set of rotates off the integer
// ALU pipe.
//
// Every SHA-256 instruction but the additions runs on the ALU pipe (SHF, LOP3, IADD3), while the
// FMA pipe, which executes IMAD, sits nearly idle. rotr(x, n) equals hi(x * 2^(32-n)) +
// lo(x * 2^(32-n)): one IMAD and one IMAD.HI on the FMA pipe instead of one SHF on the ALU
// pipe. The multiplier is read from constant memory so ptxas cannot see it is a power of two
// and turn the multiply back into shifts. Whether this is faster, and for how many rotates,
// depends on the FMA pipe's IMAD.HI rate, which NVIDIA does not publish: each split below is a
// registry line, and the autotuner measures them all in the same run.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "sha256_core.hpp"

namespace hashflop::cuda {

#if defined(__CUDACC__)
// Deliberately not const: a const initialiser would let ptxas fold the powers of two.
static __constant__ uint32_t imad_pow2[32] = {
    1u << 0,  1u << 1,  1u << 2,  1u << 3,  1u << 4,  1u << 5,  1u << 6,  1u << 7,
    1u << 8,  1u << 9,  1u << 10, 1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15,
    1u << 16, 1u << 17, 1u << 18, 1u << 19, 1u << 20, 1u << 21, 1u << 22, 1u << 23,
    1u << 24, 1u << 25, 1u << 26, 1u << 27, 1u << 28, 1u << 29, 1u << 30, 1u << 31};
#endif

/// A set of rotate amounts as a mask: bit n set sends rotr(x, n) to the FMA pipe. SHA-256's ten
/// rotate amounts are distinct across its four sigma functions (big Sigma0: 2, 13, 22; big
/// Sigma1: 6, 11, 25; small sigma0: 7, 18; small sigma1: 17, 19), so a set of amounts selects
/// exactly which functions' rotates move.
constexpr uint32_t rotates(std::initializer_list<int> amounts) {
  uint32_t mask = 0;
  for (const int n : amounts) mask |= uint32_t{1} << n;
  return mask;
}

/// The splits the registry compiles, from fewest rotates moved to most. Per-nonce counts are in
/// docs/performance.md; the comments give the ALU-pipe rotates each leaves (of ~1,020).
namespace imad_split {
/// The message schedule's small sigmas (7, 18, 17, 19): ~330 rotates.
inline constexpr uint32_t schedule = rotates({7, 17, 18, 19});
/// The compression's big Sigma0 (2, 13, 22) and one of big Sigma1's (6): ~470 rotates, the
/// original cuda-imad, sized to leave the ALU pipe the busier one even at half-rate IMAD.HI.
inline constexpr uint32_t sigma0_and_6 = rotates({2, 6, 13, 22});
/// Five of the compression's six (all but 25): ~590 rotates.
inline constexpr uint32_t big_five = rotates({2, 6, 11, 13, 22});
/// All six of the compression's big sigmas: ~700 rotates, near the balance point if IMAD.HI
/// issues at full rate on the FMA pipe.
inline constexpr uint32_t big_six = rotates({2, 6, 11, 13, 22, 25});
}  // namespace imad_split

/// A uint32_t that the core's templates treat as a lane; only rotr differs (below).
template <uint32_t Mask>
struct ImadLane {
  static constexpr uint32_t mask = Mask;
  uint32_t v;
};

template <uint32_t M>
HF_HD ImadLane<M> operator+(ImadLane<M> a, ImadLane<M> b) {
  return {a.v + b.v};
}
template <uint32_t M>
HF_HD ImadLane<M> operator+(ImadLane<M> a, uint32_t b) {
  return {a.v + b};
}
template <uint32_t M>
HF_HD ImadLane<M> operator+(uint32_t a, ImadLane<M> b) {
  return {a + b.v};
}
template <uint32_t M>
HF_HD ImadLane<M> operator^(ImadLane<M> a, ImadLane<M> b) {
  return {a.v ^ b.v};
}
template <uint32_t M>
HF_HD ImadLane<M> operator&(ImadLane<M> a, ImadLane<M> b) {
  return {a.v & b.v};
}
template <uint32_t M>
HF_HD ImadLane<M> operator|(ImadLane<M> a, ImadLane<M> b) {
  return {a.v | b.v};
}
template <uint32_t M>
HF_HD ImadLane<M> operator>>(ImadLane<M> a, int n) {
  return {a.v >> n};
}
template <uint32_t M>
HF_HD ImadLane<M> operator<<(ImadLane<M> a, int n) {
  return {a.v << n};
}

/// Found by argument-dependent lookup from the core's rotr<N>(x) calls, and preferred to the
/// core's generic template as the more specialised overload. Rotates whose amount is in the
/// mask go to the FMA pipe; the rest stay one SHF.
template <int N, uint32_t M>
HF_HD ImadLane<M> rotr(ImadLane<M> x) {
  static_assert(N > 0 && N < 32, "a rotate by 0 or 32 is no rotate");
#if defined(__CUDA_ARCH__)
  if constexpr (((M >> N) & 1u) != 0) {
    const uint32_t m = imad_pow2[32 - N];
    return {__umulhi(x.v, m) + x.v * m};
  } else {
    return {__funnelshift_r(x.v, x.v, N)};
  }
#else
  return {(x.v >> N) | (x.v << (32 - N))};
#endif
}

}  // namespace hashflop::cuda
