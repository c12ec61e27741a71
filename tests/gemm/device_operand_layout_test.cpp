// The one device allocation a CUDA GEMM executor binds its operand sets into: every region and
// set aligned as a cudaMalloc of its own would be, sets at strides that hold their matrices, and
// an arena that is exactly the regions end to end. And how many launches a strided batch saves.
#include <climits>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "gemm/device_operand_layout.hpp"

namespace hashflop::gemm {
namespace {

void expect_sound(const DeviceOperandLayout& l, const GemmShape& s, size_t sets) {
  const uint64_t ab = l.half ? 2 : 4;
  EXPECT_GE(l.lda, s.k);
  EXPECT_GE(l.ldb, s.n);
  EXPECT_EQ(l.ldc, s.n);
  EXPECT_GE(l.a_stride, s.m * l.lda);
  EXPECT_GE(l.b_stride, s.k * l.ldb);
  EXPECT_GE(l.c_stride, s.m * l.ldc);
  for (const uint64_t stride_bytes :
       {uint64_t(l.a_stride) * ab, uint64_t(l.b_stride) * ab, uint64_t(l.c_stride) * 4})
    EXPECT_EQ(stride_bytes % device_set_alignment, 0u);
  for (const uint64_t offset : {l.a_offset, l.b_offset, l.c_offset, l.staging_offset})
    EXPECT_EQ(offset % device_set_alignment, 0u);
  EXPECT_EQ(l.a_bytes, sets * uint64_t(l.a_stride) * ab);
  EXPECT_EQ(l.b_bytes, sets * uint64_t(l.b_stride) * ab);
  EXPECT_EQ(l.c_bytes, sets * uint64_t(l.c_stride) * 4);
  // The regions follow one another without gaps or overlaps, and the arena is their sum.
  EXPECT_EQ(l.b_offset, l.a_offset + l.a_bytes);
  EXPECT_EQ(l.c_offset, l.b_offset + l.b_bytes);
  EXPECT_EQ(l.staging_offset, l.c_offset + l.c_bytes);
  EXPECT_EQ(l.arena_bytes, l.a_bytes + l.b_bytes + l.c_bytes + l.staging_bytes);
}

TEST(DeviceOperandLayout, DecodeAttentionSetsAreOneArenaOfTheirSum) {
  // llama-3.2-1b decode at batch 256, context 2048: Q K^T is 4 x 2048 x 64 per sequence and KV
  // head, 2048 of them.
  const GemmShape qk{4, 2048, 64};
  const auto l = device_operand_layout(qk, true, 2048);
  expect_sound(l, qk, 2048);
  EXPECT_EQ(l.lda, 64);
  EXPECT_EQ(l.a_stride, 256);        // 4 x 64 bf16 = 512 bytes, already aligned
  EXPECT_EQ(l.b_stride, 64 * 2048);  // K^T
  EXPECT_EQ(l.c_stride, 4 * 2048);
  EXPECT_EQ(l.staging_bytes, 64u * 2048 * 4);  // the larger of A and B, in fp32
}

TEST(DeviceOperandLayout, OddShapesPadRowsAndStrides) {
  for (const bool half : {true, false}) {
    for (const GemmShape s : {GemmShape{7, 13, 37}, GemmShape{1, 1, 1}, GemmShape{5, 19, 11}}) {
      const auto l = device_operand_layout(s, half, 6);
      expect_sound(l, s, 6);
      EXPECT_EQ(l.lda, half ? half_row_ld(s.k) : s.k);
      EXPECT_EQ(l.staging_bytes > 0, half);
    }
  }
  EXPECT_EQ(half_row_ld(13), 16);
  EXPECT_EQ(half_row_ld(16), 16);
}

TEST(DeviceOperandLayout, OverflowAndEmptyShapesAreRefused) {
  EXPECT_THROW(device_operand_layout({int64_t{1} << 40, int64_t{1} << 40, 8}, false, 2),
               UsageError);
  EXPECT_THROW(device_operand_layout({0, 4, 4}, false, 2), UsageError);
}

TEST(DeviceOperandLayout, AStridedBatchIsOneLaunchPerPassInsteadOfOnePerSet) {
  EXPECT_EQ(launches_for(2048, 1), 2048);
  EXPECT_EQ(launches_for(2048, INT_MAX), 1);
  EXPECT_EQ(launches_for(2048, 1000), 3);
  EXPECT_EQ(launches_for(1, 1), 1);
  EXPECT_EQ(launches_for(0, INT_MAX), 0);
}

}  // namespace
}  // namespace hashflop::gemm
