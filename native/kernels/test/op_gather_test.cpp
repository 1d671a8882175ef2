// gather, scatter.src/value and masked_fill: index semantics, bounds,
// broadcasting.
#include "kernels/test/shape_test_util.h"

using namespace etb;
using namespace shape_test;

TEST(Gather, AlongDim1AndBounds) {
  float in[6] = {0, 1, 2, 3, 4, 5}, out[4] = {0};
  int64_t idx[4] = {2, 0, 1, 1};
  int32_t si[2] = {2, 3}, sx[2] = {2, 2};
  T ti(ScalarType::Float, 2, si, in), tx(ScalarType::Long, 2, sx, idx), to(ScalarType::Float, 2, sx, out);
  Ctx c("aten::gather.out");
  ASSERT_EQ(portable::gather_out(c.ctx, ti.t, 1, tx.t, false, to.t), Error::Ok);
  const float want[4] = {2, 0, 4, 4};
  for (int i = 0; i < 4; i++) EXPECT_EQ(out[i], want[i]);
  idx[3] = -1;
  EXPECT_EQ(portable::gather_out(c.ctx, ti.t, 1, tx.t, false, to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "index -1 is out of bounds for dim 1 with size 3");
}

TEST(Gather, Int32IndexRejected) {
  float in[2] = {0}, out[2];
  int32_t idx[2] = {0, 1};
  int32_t s[1] = {2};
  T ti(ScalarType::Float, 1, s, in), tx(ScalarType::Int, 1, s, idx), to(ScalarType::Float, 1, s, out);
  Ctx c("aten::gather.out");
  EXPECT_EQ(portable::gather_out_prepare(c.ctx, ti.t, 0, tx.t, false, to.t), Error::InvalidArgument);
}

TEST(Scatter, SrcIntoCopyOfSelfAndValue) {
  int16_t self[6] = {0, 0, 0, 0, 0, 0}, src[6] = {1, 2, 3, 4, 5, 6}, out[6] = {9, 9, 9, 9, 9, 9};
  int64_t idx[2] = {1, 0};
  int32_t s[2] = {2, 3}, sx[2] = {1, 2};
  T ts(ScalarType::Short, 2, s, self), tsrc(ScalarType::Short, 2, s, src), tx(ScalarType::Long, 2, sx, idx),
      to(ScalarType::Short, 2, s, out);
  Ctx c("aten::scatter.src_out");
  ASSERT_EQ(portable::scatter_src_out(c.ctx, ts.t, 0, tx.t, tsrc.t, to.t), Error::Ok);
  // out[idx[0][j]][j] = src[0][j]: out[1][0] = 1, out[0][1] = 2.
  const int16_t want[6] = {0, 2, 0, 1, 0, 0};
  for (int i = 0; i < 6; i++) EXPECT_EQ(out[i], want[i]);
  ASSERT_EQ(portable::scatter_value_out(c.ctx, ts.t, 1, tx.t, int_scalar(-3), to.t), Error::Ok);
  EXPECT_EQ(out[0], -3);
  EXPECT_EQ(out[1], -3);
  EXPECT_EQ(out[2], 0);
}

TEST(MaskedFill, BroadcastsMaskAndCastsValue) {
  int32_t self[6] = {1, 2, 3, 4, 5, 6}, out[6] = {0};
  uint8_t mask[3] = {1, 0, 1};
  int32_t s[2] = {2, 3}, sm[1] = {3};
  T ts(ScalarType::Int, 2, s, self), tm(ScalarType::Bool, 1, sm, mask), to(ScalarType::Int, 2, s, out);
  Ctx c("aten::masked_fill.Scalar_out");
  Scalar v;
  v.kind = Scalar::Kind::Double;
  v.d = -2.75;
  ASSERT_EQ(portable::masked_fill_scalar_out(c.ctx, ts.t, tm.t, v, to.t), Error::Ok);
  const int32_t want[6] = {-2, 2, -2, -2, 5, -2};
  for (int i = 0; i < 6; i++) EXPECT_EQ(out[i], want[i]);
  T bad(ScalarType::Byte, 1, sm, mask);
  EXPECT_EQ(portable::masked_fill_scalar_out_prepare(c.ctx, ts.t, bad.t, v, to.t), Error::InvalidArgument);
}
