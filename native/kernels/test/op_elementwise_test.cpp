// Portable elementwise-family kernels: the corners the suites reach only
// through the reference (rounding-mode division, integer pow, NaN bounds,
// channels-last outputs, arange lengths, reductions over several dims).
#include <math.h>
#include <string.h>

#include "kernels/test/shape_test_util.h"

using namespace etb;
using namespace shape_test;

namespace {

Scalar double_scalar(double v) {
  Scalar s;
  s.kind = Scalar::Kind::Double;
  s.d = v;
  return s;
}

Optional<StringView> mode(const char* m) {
  Optional<StringView> o;
  o.has_value = true;
  o.value.data = m;
  o.value.size = strlen(m);
  return o;
}

}  // namespace

TEST(Div, FloorAndTruncOnIntegersRoundTowardTheirSide) {
  int32_t a[4] = {-7, 7, -7, 7}, b[4] = {2, -2, -2, 2}, out[4] = {0};
  int32_t s[1] = {4};
  T ta(ScalarType::Int, 1, s, a), tb(ScalarType::Int, 1, s, b), to(ScalarType::Int, 1, s, out);
  KernelContext ctx("aten::div.out_mode", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::div_out_mode_prepare(ctx, ta.t, tb.t, mode("floor"), to.t), Error::Ok);
  ASSERT_EQ(portable::div_out_mode(ctx, ta.t, tb.t, mode("floor"), to.t), Error::Ok);
  EXPECT_EQ(out[0], -4);
  EXPECT_EQ(out[1], -4);
  EXPECT_EQ(out[2], 3);
  EXPECT_EQ(out[3], 3);
  ASSERT_EQ(portable::div_out_mode(ctx, ta.t, tb.t, mode("trunc"), to.t), Error::Ok);
  EXPECT_EQ(out[0], -3);
  EXPECT_EQ(out[1], -3);
}

TEST(Div, IntegerZeroDivisorFailsAtRunTime) {
  int64_t a[2] = {5, 6}, b[2] = {1, 0}, out[2] = {0};
  int32_t s[1] = {2};
  T ta(ScalarType::Long, 1, s, a), tb(ScalarType::Long, 1, s, b), to(ScalarType::Long, 1, s, out);
  Diag diag;
  KernelContext ctx("aten::div.out_mode", &diag, nullptr, nullptr);
  EXPECT_EQ(portable::div_out_mode(ctx, ta.t, tb.t, mode("trunc"), to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "division by zero");
}

TEST(Div, FloorOfFloatsRoundsTowardMinusInfinity) {
  float a[3] = {-0.5f, 0.5f, -7.5f}, b[3] = {4.0f, -4.0f, 2.0f}, out[3] = {0};
  int32_t s[1] = {3};
  T ta(ScalarType::Float, 1, s, a), tb(ScalarType::Float, 1, s, b), to(ScalarType::Float, 1, s, out);
  KernelContext ctx("aten::div.out_mode", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::div_out_mode(ctx, ta.t, tb.t, mode("floor"), to.t), Error::Ok);
  EXPECT_EQ(out[0], -1.0f);
  EXPECT_EQ(out[1], -1.0f);
  EXPECT_EQ(out[2], -4.0f);
}

TEST(Div, TrueDivisionOfIntegersNeedsAFloatOut) {
  int32_t a[1] = {1}, out[1];
  int32_t s[1] = {1};
  T ta(ScalarType::Int, 1, s, a), to(ScalarType::Int, 1, s, out);
  Diag diag;
  KernelContext ctx("aten::div.out", &diag, nullptr, nullptr);
  EXPECT_EQ(portable::div_out_prepare(ctx, ta.t, ta.t, to.t), Error::NotSupported);
  EXPECT_STR_CONTAINS(diag.message, "float32");
  EXPECT_STR_CONTAINS(diag.message, "int32");
}

TEST(Pow, IntegerPowersWrapAndNegativeExponentsAreRefused) {
  int8_t a[3] = {16, -2, 3}, out[3] = {0};
  int32_t s[1] = {3};
  T ta(ScalarType::Char, 1, s, a), to(ScalarType::Char, 1, s, out);
  KernelContext ctx("aten::pow.Tensor_Scalar_out", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::pow_tensor_scalar_out_prepare(ctx, ta.t, int_scalar(2), to.t), Error::Ok);
  ASSERT_EQ(portable::pow_tensor_scalar_out(ctx, ta.t, int_scalar(2), to.t), Error::Ok);
  EXPECT_EQ(out[0], 0);  // 256 wraps
  EXPECT_EQ(out[1], 4);
  EXPECT_EQ(out[2], 9);
  EXPECT_EQ(portable::pow_tensor_scalar_out_prepare(ctx, ta.t, int_scalar(-1), to.t), Error::InvalidArgument);
}

TEST(Clamp, ANanTensorBoundGivesNan) {
  float x[2] = {0.5f, 0.5f}, lo[2] = {NAN, 0.0f}, hi[2] = {1.0f, 0.25f}, out[2] = {0};
  int32_t s[1] = {2};
  T tx(ScalarType::Float, 1, s, x), tl(ScalarType::Float, 1, s, lo), th(ScalarType::Float, 1, s, hi),
      to(ScalarType::Float, 1, s, out);
  KernelContext ctx("aten::clamp.Tensor_out", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::clamp_tensor_out_prepare(ctx, tx.t, &tl.t, &th.t, to.t), Error::Ok);
  ASSERT_EQ(portable::clamp_tensor_out(ctx, tx.t, &tl.t, &th.t, to.t), Error::Ok);
  EXPECT_TRUE(isnan(out[0]));
  EXPECT_EQ(out[1], 0.25f);
}

TEST(Where, WritesAChannelsLastOut) {
  // Logical [1, 2, 1, 2] (N, C, H, W): channels-last memory is (w0: c0 c1), (w1: c0 c1).
  uint8_t cond[4] = {1, 0, 0, 1};
  float a[4] = {1, 2, 3, 4}, b[4] = {-1, -2, -3, -4}, out[4] = {0};
  int32_t s[4] = {1, 2, 1, 2};
  const uint8_t cl[4] = {0, 2, 3, 1};
  T tc(ScalarType::Bool, 4, s, cond), ta(ScalarType::Float, 4, s, a), tb(ScalarType::Float, 4, s, b),
      to(ScalarType::Float, 4, s, out, cl);
  KernelContext ctx("aten::where.self_out", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::where_self_out_prepare(ctx, tc.t, ta.t, tb.t, to.t), Error::Ok);
  ASSERT_EQ(portable::where_self_out(ctx, tc.t, ta.t, tb.t, to.t), Error::Ok);
  // logical result [1, -2, -3, 4] = (c0w0, c0w1, c1w0, c1w1); memory order c-fastest
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -3.0f);
  EXPECT_EQ(out[2], -2.0f);
  EXPECT_EQ(out[3], 4.0f);
}

TEST(Arange, LengthFollowsAtenForIntegerAndFractionalSteps) {
  int64_t out[8] = {0};
  int32_t s[1] = {8};
  T to(ScalarType::Long, 1, s, out);
  to.t.dynamism = Dynamism::DynamicBound;
  KernelContext ctx("aten::arange.start_out", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::arange_start_out(ctx, int_scalar(0), int_scalar(5), int_scalar(2), to.t), Error::Ok);
  EXPECT_EQ(to.t.sizes[0], 3);
  EXPECT_EQ(out[2], 4);
  // A fractional step sizes in double (ceil(7 / 2.5) = 3) and then truncates to 2.
  ASSERT_EQ(portable::arange_start_out(ctx, int_scalar(0), int_scalar(7), double_scalar(2.5), to.t), Error::Ok);
  EXPECT_EQ(to.t.sizes[0], 3);
  EXPECT_EQ(out[2], 4);
}

TEST(Any, ReducesSeveralDimsKeepingThem) {
  float x[6] = {0, 0, 0, 0, NAN, 0};  // [2, 3]: row 1 has a NaN, which counts as true
  uint8_t out[2] = {7, 7};
  int32_t s[2] = {2, 3}, so[2] = {2, 1};
  T tx(ScalarType::Float, 2, s, x), to(ScalarType::Bool, 2, so, out);
  const int64_t dims[1] = {1};
  Optional<Span<const int64_t>> d;
  d.has_value = true;
  d.value = Span<const int64_t>(dims, 1);
  KernelContext ctx("aten::any.dims_out", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::any_dims_out_prepare(ctx, tx.t, d, true, to.t), Error::Ok);
  ASSERT_EQ(portable::any_dims_out(ctx, tx.t, d, true, to.t), Error::Ok);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 1);
}
