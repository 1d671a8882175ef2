// constant_pad_nd: padding, cropping with negative pads, fill value casts.
#include "kernels/test/shape_test_util.h"

using namespace etb;
using namespace shape_test;

TEST(ConstantPadNd, PadsLastDimAndCropsTheOneBefore) {
  // x[3, 2] = {0..5}; pad (1, 0) on dim 1, (-1, 0) on dim 0 -> [2, 3]
  int16_t in[6] = {0, 1, 2, 3, 4, 5}, out[6] = {0};
  int32_t si[2] = {3, 2}, so[2] = {2, 3};
  T ti(ScalarType::Short, 2, si, in), to(ScalarType::Short, 2, so, out);
  Ctx c("aten::constant_pad_nd.out");
  ASSERT_EQ(portable::constant_pad_nd_out(c.ctx, ti.t, ints({1, 0, -1, 0}), int_scalar(-7), to.t), Error::Ok);
  const int16_t want[6] = {-7, 2, 3, -7, 4, 5};
  for (int i = 0; i < 6; i++) EXPECT_EQ(out[i], want[i]);
}

TEST(ConstantPadNd, ChannelsLastOutAndNegativeSizeError) {
  float in[2] = {1, 2}, out[8] = {0};
  int32_t si[4] = {1, 2, 1, 1}, so[4] = {1, 2, 2, 2};
  const uint8_t nhwc[4] = {0, 2, 3, 1};
  T ti(ScalarType::Float, 4, si, in), to(ScalarType::Float, 4, so, out, nhwc);
  Ctx c("aten::constant_pad_nd.out");
  Scalar half;
  half.kind = Scalar::Kind::Double;
  half.d = 0.5;
  ASSERT_EQ(portable::constant_pad_nd_out(c.ctx, ti.t, ints({1, 0, 0, 1}), half, to.t), Error::Ok);
  // NHWC memory: (h0 w0) = pad, (h0 w1) = {1, 2}, h1 all pad.
  const float want[8] = {0.5f, 0.5f, 1, 2, 0.5f, 0.5f, 0.5f, 0.5f};
  for (int i = 0; i < 8; i++) EXPECT_EQ(out[i], want[i]);
  EXPECT_EQ(portable::constant_pad_nd_out(c.ctx, ti.t, ints({-2, 0}), half, to.t), Error::InvalidArgument);
}
