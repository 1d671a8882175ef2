// view_copy, permute_copy, expand_copy, squeeze/unsqueeze, transpose: shapes,
// dim order and argument errors.
#include "kernels/test/shape_test_util.h"

using namespace etb;
using namespace shape_test;

TEST(ViewCopy, InfersMinusOneAndResizesDynamicOut) {
  float in[6] = {0, 1, 2, 3, 4, 5}, out[6] = {0};
  int32_t si[2] = {2, 3}, so[2] = {1, 1};
  T ti(ScalarType::Float, 2, si, in), to(ScalarType::Float, 2, so, out, nullptr, sizeof(out));
  Ctx c("aten::view_copy.out");
  ASSERT_EQ(portable::view_copy_out(c.ctx, ti.t, ints({-1, 2}), to.t), Error::Ok);
  EXPECT_EQ(to.sizes[0], 3);
  EXPECT_EQ(to.sizes[1], 2);
  EXPECT_EQ(out[5], 5.0f);
}

TEST(ViewCopy, ChannelsLastInputIsReshapedInLogicalOrder) {
  // Logical [1, 2, 2, 1] = {10, 11, 12, 13} stored NHWC (C = 2 innermost).
  float in[4] = {10, 12, 11, 13}, out[4] = {0};
  int32_t si[4] = {1, 2, 2, 1}, so[1] = {4};
  const uint8_t nhwc[4] = {0, 2, 3, 1};
  T ti(ScalarType::Float, 4, si, in, nhwc), to(ScalarType::Float, 1, so, out);
  Ctx c("aten::view_copy.out");
  ASSERT_EQ(portable::view_copy_out(c.ctx, ti.t, ints({4}), to.t), Error::Ok);
  EXPECT_EQ(out[0], 10.0f);
  EXPECT_EQ(out[1], 11.0f);
  EXPECT_EQ(out[2], 12.0f);
  EXPECT_EQ(out[3], 13.0f);
}

TEST(ViewCopy, WrongElementCountFails) {
  float in[6] = {0}, out[4];
  int32_t si[1] = {6}, so[1] = {4};
  T ti(ScalarType::Float, 1, si, in), to(ScalarType::Float, 1, so, out);
  Ctx c("aten::view_copy.out");
  EXPECT_EQ(portable::view_copy_out(c.ctx, ti.t, ints({4}), to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "invalid for input of size 6");
}

TEST(PermuteCopy, WritesIntoChannelsLastOut) {
  int16_t in[6] = {0, 1, 2, 3, 4, 5}, out[6] = {0};
  int32_t si[2] = {2, 3}, so[2] = {3, 2};
  const uint8_t col[2] = {1, 0};
  T ti(ScalarType::Short, 2, si, in), to(ScalarType::Short, 2, so, out, col);
  Ctx c("aten::permute_copy.out");
  ASSERT_EQ(portable::permute_copy_out_prepare(c.ctx, ti.t, ints({1, 0}), to.t), Error::Ok);
  ASSERT_EQ(portable::permute_copy_out(c.ctx, ti.t, ints({-1, 0}), to.t), Error::Ok);
  // out = in^T (logical [3, 2]) stored column-major = in's row-major bytes.
  for (int i = 0; i < 6; i++) EXPECT_EQ(out[i], in[i]);
}

TEST(PermuteCopy, RepeatedDimFails) {
  int16_t in[6] = {0}, out[6];
  int32_t s[2] = {2, 3};
  T ti(ScalarType::Short, 2, s, in), to(ScalarType::Short, 2, s, out);
  Ctx c("aten::permute_copy.out");
  EXPECT_EQ(portable::permute_copy_out_prepare(c.ctx, ti.t, ints({1, 1}), to.t), Error::InvalidArgument);
}

TEST(ExpandCopy, BroadcastsAndPrependsDims) {
  int64_t in[3] = {7, 8, 9}, out[24] = {0};
  int32_t si[2] = {3, 1}, so[3] = {2, 3, 4};
  T ti(ScalarType::Long, 2, si, in), to(ScalarType::Long, 3, so, out);
  Ctx c("aten::expand_copy.out");
  ASSERT_EQ(portable::expand_copy_out(c.ctx, ti.t, ints({2, -1, 4}), false, to.t), Error::Ok);
  EXPECT_EQ(out[0], 7);
  EXPECT_EQ(out[4], 8);
  EXPECT_EQ(out[23], 9);
  EXPECT_EQ(portable::expand_copy_out(c.ctx, ti.t, ints({2, 2, 4}), false, to.t), Error::InvalidArgument);
}

TEST(SqueezeCopy, DimsDropOnlySizeOneDims) {
  uint8_t in[3] = {1, 2, 3}, out[3] = {0};
  int32_t si[3] = {1, 3, 1}, so[2] = {3, 1};
  T ti(ScalarType::Bool, 3, si, in), to(ScalarType::Bool, 2, so, out);
  Ctx c("aten::squeeze_copy.dims_out");
  ASSERT_EQ(portable::squeeze_copy_dims_out(c.ctx, ti.t, ints({0, 1}), to.t), Error::Ok);
  EXPECT_EQ(out[2], 3);
  EXPECT_EQ(portable::squeeze_copy_dims_out(c.ctx, ti.t, ints({0, -3}), to.t), Error::InvalidArgument);
}

TEST(UnsqueezeCopy, NegativeDimCountsFromTheEnd) {
  float in[2] = {1, 2}, out[2] = {0};
  int32_t si[1] = {2}, so[2] = {2, 1};
  T ti(ScalarType::Float, 1, si, in), to(ScalarType::Float, 2, so, out);
  Ctx c("aten::unsqueeze_copy.out");
  ASSERT_EQ(portable::unsqueeze_copy_out(c.ctx, ti.t, -1, to.t), Error::Ok);
  EXPECT_EQ(out[1], 2.0f);
  EXPECT_EQ(portable::unsqueeze_copy_out(c.ctx, ti.t, 2, to.t), Error::InvalidArgument);
}

TEST(TransposeCopy, SwapsDimsOfChannelsLastInput) {
  // Logical [1, 2, 1, 2] = {0, 1, 2, 3} (c, w), stored NHWC as {0, 2, 1, 3}.
  float in[4] = {0, 2, 1, 3}, out[4] = {0};
  int32_t s[4] = {1, 2, 1, 2};
  const uint8_t nhwc[4] = {0, 2, 3, 1};
  T ti(ScalarType::Float, 4, s, in, nhwc), to(ScalarType::Float, 4, s, out);
  Ctx c("aten::transpose_copy.int_out");
  ASSERT_EQ(portable::transpose_copy_int_out(c.ctx, ti.t, 1, 3, to.t), Error::Ok);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 2.0f);
  EXPECT_EQ(out[2], 1.0f);
  EXPECT_EQ(out[3], 3.0f);
}

TEST(Copy, BroadcastsConvertsAndKeepsSelfLayout) {
  int32_t src[2] = {7, -3};
  float self[4] = {0};
  int32_t ss[1] = {2}, sd[2] = {2, 2};
  const uint8_t col[2] = {1, 0};
  T ts(ScalarType::Int, 1, ss, src), td(ScalarType::Float, 2, sd, self, col);
  Ctx c("aten::copy_");
  ASSERT_EQ(portable::copy_inplace(c.ctx, td.t, ts.t, false), Error::Ok);
  // Logical [[7, -3], [7, -3]] stored column-major.
  EXPECT_EQ(self[0], 7.0f);
  EXPECT_EQ(self[1], 7.0f);
  EXPECT_EQ(self[2], -3.0f);
  int32_t bad_sizes[1] = {3};
  T tb(ScalarType::Int, 1, bad_sizes, src);
  EXPECT_EQ(portable::copy_inplace_prepare(c.ctx, td.t, tb.t, false), Error::InvalidArgument);
}

TEST(PermuteCopy, TiledTransposeOfOddSizesAndBatches) {
  // [3, 37, 45] -> [3, 45, 37]: large enough for the tiled path, not a multiple of its tile.
  static int16_t in[3 * 37 * 45], out[3 * 45 * 37];
  for (int i = 0; i < 3 * 37 * 45; i++) in[i] = int16_t(i);
  int32_t si[3] = {3, 37, 45}, so[3] = {3, 45, 37};
  T ti(ScalarType::Short, 3, si, in), to(ScalarType::Short, 3, so, out);
  Ctx c("aten::permute_copy.out");
  ASSERT_EQ(portable::permute_copy_out(c.ctx, ti.t, ints({0, 2, 1}), to.t), Error::Ok);
  int bad = 0;
  for (int b = 0; b < 3; b++) {
    for (int j = 0; j < 45; j++) {
      for (int i = 0; i < 37; i++) bad += out[(b * 45 + j) * 37 + i] != in[(b * 37 + i) * 45 + j];
    }
  }
  EXPECT_EQ(bad, 0);
}
