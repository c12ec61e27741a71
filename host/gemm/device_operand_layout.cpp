#include "gemm/device_operand_layout.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/error.hpp"

namespace hashflop::gemm {
namespace {

uint64_t layout_mul(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw UsageError("device operand layout: size overflows");
  return r;
}

uint64_t layout_add(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw UsageError("device operand layout: size overflows");
  return r;
}

// `elements` rounded up so that `elements * element_bytes` is a multiple of the alignment.
int64_t aligned_stride(uint64_t elements, uint64_t element_bytes) {
  const uint64_t per = device_set_alignment / element_bytes;
  return static_cast<int64_t>(layout_mul(layout_add(elements, per - 1) / per, per));
}

}  // namespace

DeviceOperandLayout device_operand_layout(const GemmShape& s, bool half, size_t sets) {
  if (s.m <= 0 || s.n <= 0 || s.k <= 0)
    throw UsageError(fmt::format("device operand layout: shape {} is empty", s.str()));
  DeviceOperandLayout l;
  l.half = half;
  const uint64_t ab = half ? 2 : 4;
  l.lda = half ? half_row_ld(s.k) : s.k;
  l.ldb = half ? half_row_ld(s.n) : s.n;
  l.ldc = s.n;
  const auto m = static_cast<uint64_t>(s.m), k = static_cast<uint64_t>(s.k);
  l.a_stride = aligned_stride(layout_mul(m, static_cast<uint64_t>(l.lda)), ab);
  l.b_stride = aligned_stride(layout_mul(k, static_cast<uint64_t>(l.ldb)), ab);
  l.c_stride = aligned_stride(layout_mul(m, static_cast<uint64_t>(l.ldc)), 4);
  const uint64_t n_sets = sets;
  l.a_bytes = layout_mul(layout_mul(n_sets, static_cast<uint64_t>(l.a_stride)), ab);
  l.b_bytes = layout_mul(layout_mul(n_sets, static_cast<uint64_t>(l.b_stride)), ab);
  l.c_bytes = layout_mul(layout_mul(n_sets, static_cast<uint64_t>(l.c_stride)), 4);
  // The upload lands one fp32 A or B at a time before converting it.
  if (half) {
    const uint64_t largest = std::max(layout_mul(m, k), layout_mul(k, static_cast<uint64_t>(s.n)));
    l.staging_bytes = layout_mul(static_cast<uint64_t>(aligned_stride(largest, 4)), 4);
  }
  l.a_offset = 0;
  l.b_offset = l.a_bytes;
  l.c_offset = layout_add(l.b_offset, l.b_bytes);
  l.staging_offset = layout_add(l.c_offset, l.c_bytes);
  l.arena_bytes = layout_add(l.staging_offset, l.staging_bytes);
  return l;
}

int64_t launches_for(int64_t count, int64_t max_batch) {
  if (count <= 0) return 0;
  const int64_t per = max_batch > 0 ? max_batch : 1;
  return (count + per - 1) / per;
}

}  // namespace hashflop::gemm
