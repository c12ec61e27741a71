// The SIMD search loop, shared by the AVX2 and AVX-512 kernels: each lane of a GCC vector type
// tests one nonce. Only the file that includes it decides the instruction set (its compile
// flags), so the same source becomes 8-way AVX2 and 16-way AVX-512 code.
#pragma once

#include <cstdint>

#include "sha256d_cpu.hpp"

namespace hashflop::cpu::simd {

template <class V>
constexpr int lanes = sizeof(V) / sizeof(uint32_t);

template <class V>
inline V lane_index() {
  V v{};
  for (int i = 0; i < lanes<V>; ++i) v[i] = static_cast<uint32_t>(i);
  return v;
}

/// Reverses the bytes of each 32-bit lane. Runs once per vector of nonces, so plain shifts do.
template <class V>
inline V byte_swap(V x) {
  return (x << 24) | ((x & 0xff00u) << 8) | ((x >> 8) & 0xff00u) | (x >> 24);
}

template <class V>
inline void search(const sha256d::Job& job, uint32_t first, uint64_t count, CandidateSink sink) {
  constexpr int n = lanes<V>;
  const V index = lane_index<V>();
  for (uint64_t done = 0; done < count; done += n) {
    // Lanes past the range's end (the tail) may wrap past 2^32 - 1; they are masked below.
    const V nonces = index + static_cast<uint32_t>(first + done);
    const V h7 = sha256d::hash_word7<V>(job, byte_swap(nonces));
    const auto hit = byte_swap(h7) <= job.target_top;
    V any = reinterpret_cast<V>(hit);
    // Candidates are rare (about one in 2^32 nonces at real difficulty), so the per-vector
    // cost is this reduction only.
    for (int step = n / 2; step >= 1; step /= 2) {
      V shifted{};
      for (int i = 0; i < n; ++i) shifted[i] = any[(i + step) % n];
      any |= shifted;
    }
    if (any[0] == 0) continue;
    const uint64_t valid = count - done < static_cast<uint64_t>(n) ? count - done : n;
    for (uint64_t i = 0; i < valid; ++i) {
      if (hit[i] != 0) sink(nonces[i]);
    }
  }
}

}  // namespace hashflop::cpu::simd
