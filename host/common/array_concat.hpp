// Joins constexpr arrays, so a registry can be built from a portable part and the part
// compiled for the target architecture without preprocessor lines inside one initializer.
#pragma once

#include <array>
#include <cstddef>

namespace hashflop {

template <class T, size_t A, size_t B>
constexpr std::array<T, A + B> concat(const std::array<T, A>& a, const std::array<T, B>& b) {
  std::array<T, A + B> out{};
  for (size_t i = 0; i < A; ++i) out[i] = a[i];
  for (size_t i = 0; i < B; ++i) out[A + i] = b[i];
  return out;
}

}  // namespace hashflop
