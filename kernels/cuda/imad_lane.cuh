// A lane type for the shared SHA-256 core that moves some rotates off the integer ALU pipe.
//
// Every SHA-256 instruction but the additions runs on the ALU pipe (SHF, LOP3, IADD3), while the
// FMA pipe, which executes IMAD, sits nearly idle. rotr(x, n) equals hi(x * 2^(32-n)) +
// lo(x * 2^(32-n)): one IMAD and one IMAD.HI on the FMA pipe instead of one SHF on the ALU
// pipe. The multiplier is read from constant memory so ptxas cannot see it is a power of two
// and turn the multiply back into shifts. Whether this is faster depends on the FMA pipe's
// IMAD.HI rate, which NVIDIA does not publish: the autotuner measures both lane types.
#pragma once

#include <cstdint>

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

/// A uint32_t that the core's templates treat as a lane; only rotr differs (below).
struct ImadLane {
  uint32_t v;
};

HF_HD ImadLane operator+(ImadLane a, ImadLane b) {
  return {a.v + b.v};
}
HF_HD ImadLane operator+(ImadLane a, uint32_t b) {
  return {a.v + b};
}
HF_HD ImadLane operator+(uint32_t a, ImadLane b) {
  return {a + b.v};
}
HF_HD ImadLane operator^(ImadLane a, ImadLane b) {
  return {a.v ^ b.v};
}
HF_HD ImadLane operator&(ImadLane a, ImadLane b) {
  return {a.v & b.v};
}
HF_HD ImadLane operator|(ImadLane a, ImadLane b) {
  return {a.v | b.v};
}
HF_HD ImadLane operator>>(ImadLane a, int n) {
  return {a.v >> n};
}
HF_HD ImadLane operator<<(ImadLane a, int n) {
  return {a.v << n};
}

/// Found by argument-dependent lookup from the core's rotr<N>(x) calls, and preferred to the
/// core's generic template as the more specialised overload. Big sigma 0's three rotates (2,
/// 13, 22) and one of big sigma 1's (6) go to the FMA pipe: about 470 of the ~1,175 rotates per
/// nonce, which leaves the ALU pipe the busier one even if IMAD.HI issues at half rate.
template <int N>
HF_HD ImadLane rotr(ImadLane x) {
#if defined(__CUDA_ARCH__)
  if constexpr (N == 2 || N == 6 || N == 13 || N == 22) {
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
