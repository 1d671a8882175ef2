// repeat, flip, roll, tril/triu and pixel_shuffle: layouts and corners.
#include "kernels/test/shape_test_util.h"

using namespace etb;
using namespace shape_test;

TEST(Repeat, TilesWithNewLeadingDim) {
  int8_t in[2] = {1, 2}, out[12] = {0};
  int32_t si[2] = {1, 2}, so[3] = {2, 1, 6};
  T ti(ScalarType::Char, 2, si, in), to(ScalarType::Char, 3, so, out);
  Ctx c("aten::repeat.out");
  ASSERT_EQ(portable::repeat_out(c.ctx, ti.t, ints({2, 1, 3}), to.t), Error::Ok);
  for (int i = 0; i < 12; i++) EXPECT_EQ(out[i], i % 2 == 0 ? 1 : 2);
  EXPECT_EQ(portable::repeat_out(c.ctx, ti.t, ints({3}), to.t), Error::InvalidArgument);
}

TEST(Flip, TwoDimsOfChannelsLastInput) {
  // Logical [1, 2, 1, 2] = {0, 1, 2, 3} stored NHWC {0, 2, 1, 3}; flip dims 1 and 3 -> {3, 2, 1, 0}.
  float in[4] = {0, 2, 1, 3}, out[4] = {0};
  int32_t s[4] = {1, 2, 1, 2};
  const uint8_t nhwc[4] = {0, 2, 3, 1};
  T ti(ScalarType::Float, 4, s, in, nhwc), to(ScalarType::Float, 4, s, out);
  Ctx c("aten::flip.out");
  ASSERT_EQ(portable::flip_out(c.ctx, ti.t, ints({1, -1}), to.t), Error::Ok);
  EXPECT_EQ(out[0], 3.0f);
  EXPECT_EQ(out[3], 0.0f);
  EXPECT_EQ(portable::flip_out(c.ctx, ti.t, ints({1, 1}), to.t), Error::InvalidArgument);
}

TEST(Roll, FlattenedAndPerDim) {
  int32_t in[6] = {0, 1, 2, 3, 4, 5}, out[6] = {0};
  int32_t s[2] = {2, 3};
  T ti(ScalarType::Int, 2, s, in), to(ScalarType::Int, 2, s, out);
  Ctx c("aten::roll.out");
  ASSERT_EQ(portable::roll_out(c.ctx, ti.t, ints({2}), ints({}), to.t), Error::Ok);
  const int32_t flat[6] = {4, 5, 0, 1, 2, 3};
  for (int i = 0; i < 6; i++) EXPECT_EQ(out[i], flat[i]);
  ASSERT_EQ(portable::roll_out(c.ctx, ti.t, ints({-1, 1}), ints({1, 0}), to.t), Error::Ok);
  const int32_t per_dim[6] = {4, 5, 3, 1, 2, 0};
  for (int i = 0; i < 6; i++) EXPECT_EQ(out[i], per_dim[i]);
}

TEST(Tril, BatchedWithDiagonals) {
  float in[8] = {1, 1, 1, 1, 1, 1, 1, 1}, out[8] = {0};
  int32_t s[3] = {2, 2, 2};
  T ti(ScalarType::Float, 3, s, in), to(ScalarType::Float, 3, s, out);
  Ctx c("aten::tril.out");
  ASSERT_EQ(portable::tril_out(c.ctx, ti.t, 0, to.t), Error::Ok);
  const float lower[8] = {1, 0, 1, 1, 1, 0, 1, 1};
  for (int i = 0; i < 8; i++) EXPECT_EQ(out[i], lower[i]);
  ASSERT_EQ(portable::triu_out(c.ctx, ti.t, 1, to.t), Error::Ok);
  const float upper[8] = {0, 1, 0, 0, 0, 1, 0, 0};
  for (int i = 0; i < 8; i++) EXPECT_EQ(out[i], upper[i]);
  ASSERT_EQ(portable::triu_out(c.ctx, ti.t, -5, to.t), Error::Ok);
  EXPECT_EQ(out[2], 1.0f);
}

TEST(PixelShuffle, UpscalesChannelsIntoSpace) {
  // [1, 4, 1, 1] = {0, 1, 2, 3} with r = 2 -> [1, 1, 2, 2] = {0, 1, 2, 3}; [1, 4, 1, 2] interleaves.
  float in[8] = {0, 10, 1, 11, 2, 12, 3, 13}, out[8] = {0};
  int32_t si[4] = {1, 4, 1, 2}, so[4] = {1, 1, 2, 4};
  T ti(ScalarType::Float, 4, si, in), to(ScalarType::Float, 4, so, out);
  Ctx c("aten::pixel_shuffle.out");
  ASSERT_EQ(portable::pixel_shuffle_out(c.ctx, ti.t, 2, to.t), Error::Ok);
  const float want[8] = {0, 1, 10, 11, 2, 3, 12, 13};
  for (int i = 0; i < 8; i++) EXPECT_EQ(out[i], want[i]);
  EXPECT_EQ(portable::pixel_shuffle_out(c.ctx, ti.t, 3, to.t), Error::InvalidArgument);
}

TEST(Tril, ExtremeDiagonals) {
  float in[4] = {1, 1, 1, 1}, out[4] = {0};
  int32_t s[2] = {2, 2};
  T ti(ScalarType::Float, 2, s, in), to(ScalarType::Float, 2, s, out);
  Ctx c("aten::tril.out");
  ASSERT_EQ(portable::tril_out(c.ctx, ti.t, INT64_MAX, to.t), Error::Ok);
  EXPECT_EQ(out[1], 1.0f);
  ASSERT_EQ(portable::tril_out(c.ctx, ti.t, INT64_MIN, to.t), Error::Ok);
  EXPECT_EQ(out[2], 0.0f);
  ASSERT_EQ(portable::triu_out(c.ctx, ti.t, INT64_MIN, to.t), Error::Ok);
  EXPECT_EQ(out[2], 1.0f);
  ASSERT_EQ(portable::triu_out(c.ctx, ti.t, INT64_MAX, to.t), Error::Ok);
  EXPECT_EQ(out[0], 0.0f);
}
