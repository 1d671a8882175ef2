// The linalg family's kernels: the fast loop orders (convolution planes, i-k-j
// products) give bitwise the sums of the plain loops they replace, and the
// ATen corners the suites also check: integer wrapping, beta = 0, NaN windows.
#include <math.h>

#include "kernels/test/shape_test_util.h"

using namespace etb;
using namespace shape_test;

namespace {

// Deterministic values in [-2, 2) with few bits, so products are exact in double.
void fill(float* p, int n, uint32_t seed) {
  for (int i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    p[i] = float(int(seed >> 24) - 128) / 64.0f;
  }
}

struct NoTemp {
  Diag diag;
  KernelContext ctx;
  explicit NoTemp(const char* op) : ctx(op, &diag, nullptr, nullptr) {}
};

}  // namespace

TEST(Convolution, PlanePathMatchesPlainLoopsBitwise) {
  // [1, 4, 7, 6] input, [6, 2, 3, 3] weight, groups 2, stride (2, 1), padding 1, dilation (1, 2).
  float in[4 * 7 * 6], w[6 * 2 * 3 * 3], b[6], fast[6 * 4 * 4], plain[6 * 4 * 4];
  fill(in, 4 * 7 * 6, 1), fill(w, 6 * 2 * 9, 2), fill(b, 6, 3);
  int32_t si[4] = {1, 4, 7, 6}, sw[4] = {6, 2, 3, 3}, sb[1] = {6}, so[4] = {1, 6, 4, 4};
  T ti(ScalarType::Float, 4, si, in), tw(ScalarType::Float, 4, sw, w), tb(ScalarType::Float, 1, sb, b);
  T t1(ScalarType::Float, 4, so, fast), t2(ScalarType::Float, 4, so, plain);
  Ctx c("aten::convolution.out");
  NoTemp n("aten::convolution.out");
  auto run = [&](KernelContext& ctx, Tensor& out) {
    return portable::convolution_out(ctx, ti.t, tw.t, &tb.t, ints({2, 1}), ints({1, 1}), ints({1, 2}), false, ints({0, 0}),
                                     2, out);
  };
  ASSERT_EQ(run(c.ctx, t1.t), Error::Ok);
  ASSERT_EQ(run(n.ctx, t2.t), Error::Ok);  // no temp memory: the plain gather loops
  EXPECT_EQ(memcmp(fast, plain, sizeof(fast)), 0);
  // One element by hand: out[0, 3, 1, 2] (group 1: input channels 2, 3).
  double want = b[3];
  for (int ci = 0; ci < 2; ci++) {
    for (int kh = 0; kh < 3; kh++) {
      for (int kw = 0; kw < 3; kw++) {
        int ih = 1 * 2 - 1 + kh, iw = 2 - 1 + kw * 2;
        if (ih < 0 || ih >= 7 || iw < 0 || iw >= 6) continue;
        want += double(in[((2 + ci) * 7 + ih) * 6 + iw]) * double(w[((3 * 2 + ci) * 3 + kh) * 3 + kw]);
      }
    }
  }
  EXPECT_EQ(fast[(3 * 4 + 1) * 4 + 2], float(want));
}

TEST(Convolution, FourChannelBlocksMatchPlainLoopsBitwise) {
  // 8 output channels in one group (blocks of four), stride 1 and padding 1; channels-last input.
  float in[4 * 5 * 6], w[8 * 4 * 3 * 3], b[8], fast[8 * 5 * 6], plain[8 * 5 * 6];
  fill(in, 4 * 5 * 6, 6), fill(w, 8 * 4 * 9, 7), fill(b, 8, 8);
  int32_t si[4] = {1, 4, 5, 6}, sw[4] = {8, 4, 3, 3}, sb[1] = {8}, so[4] = {1, 8, 5, 6};
  const uint8_t nhwc[4] = {0, 2, 3, 1};
  T ti(ScalarType::Float, 4, si, in, nhwc), tw(ScalarType::Float, 4, sw, w), tb(ScalarType::Float, 1, sb, b);
  T t1(ScalarType::Float, 4, so, fast), t2(ScalarType::Float, 4, so, plain);
  Ctx c("aten::convolution.out");
  NoTemp n("aten::convolution.out");
  for (KernelContext* ctx : {&c.ctx, &n.ctx}) {
    Tensor& out = ctx == &c.ctx ? t1.t : t2.t;
    ASSERT_EQ(portable::convolution_out(*ctx, ti.t, tw.t, &tb.t, ints({1, 1}), ints({1, 1}), ints({1, 1}), false,
                                        ints({0, 0}), 1, out),
              Error::Ok);
  }
  EXPECT_EQ(memcmp(fast, plain, sizeof(fast)), 0);
}

TEST(Convolution, RefusesMismatchedWeightsAndTransposedShapes) {
  float in[2 * 4 * 4] = {0}, w[3 * 3 * 3 * 3] = {0}, out[64] = {0};
  int32_t si[4] = {1, 2, 4, 4}, sw[4] = {3, 3, 3, 3}, so[4] = {1, 3, 2, 2};
  T ti(ScalarType::Float, 4, si, in), tw(ScalarType::Float, 4, sw, w), to(ScalarType::Float, 4, so, out);
  Ctx c("aten::convolution.out");
  EXPECT_EQ(portable::convolution_out_prepare(c.ctx, ti.t, tw.t, nullptr, ints({1}), ints({0}), ints({1}), false, ints({0}),
                                              1, to.t),
            Error::InvalidArgument);
  EXPECT_EQ(portable::convolution_out_prepare(c.ctx, ti.t, tw.t, nullptr, ints({1}), ints({0}), ints({1}), true, ints({0}),
                                              1, to.t),
            Error::InvalidArgument);
}

TEST(Mm, RowPathMatchesDotProductsAndIntegersWrap) {
  float a[5 * 7], b[7 * 9], fast[45], plain[45];
  fill(a, 35, 4), fill(b, 63, 5);
  int32_t sa[2] = {5, 7}, sb[2] = {7, 9}, so[2] = {5, 9};
  T ta(ScalarType::Float, 2, sa, a), tb(ScalarType::Float, 2, sb, b);
  T t1(ScalarType::Float, 2, so, fast), t2(ScalarType::Float, 2, so, plain);
  Ctx c("aten::mm.out");
  NoTemp n("aten::mm.out");
  ASSERT_EQ(portable::mm_out(c.ctx, ta.t, tb.t, t1.t), Error::Ok);
  ASSERT_EQ(portable::mm_out(n.ctx, ta.t, tb.t, t2.t), Error::Ok);
  EXPECT_EQ(memcmp(fast, plain, sizeof(fast)), 0);
  // int8: 100 * 3 + 7 * 2 = 314 wraps to 58, as ATen's int8 matmul.
  int8_t x[2] = {100, 7}, y[2] = {3, 2}, z[1] = {0};
  int32_t sx[2] = {1, 2}, sy[2] = {2, 1}, sz[2] = {1, 1};
  T tx(ScalarType::Char, 2, sx, x), ty(ScalarType::Char, 2, sy, y), tz(ScalarType::Char, 2, sz, z);
  ASSERT_EQ(portable::mm_out(c.ctx, tx.t, ty.t, tz.t), Error::Ok);
  EXPECT_EQ(z[0], int8_t(58));
}

TEST(Addmm, BetaZeroIgnoresNanSelf) {
  float self[2] = {NAN, INFINITY}, a[2] = {1, 2}, b[4] = {1, 0, 0, 1}, out[2] = {0};
  int32_t ss[1] = {2}, sa[2] = {1, 2}, sb[2] = {2, 2}, so[2] = {1, 2};
  T ts(ScalarType::Float, 1, ss, self), ta(ScalarType::Float, 2, sa, a), tb(ScalarType::Float, 2, sb, b);
  T to(ScalarType::Float, 2, so, out);
  Ctx c("aten::addmm.out");
  Scalar zero, two;
  zero.kind = Scalar::Kind::Double, zero.d = 0;
  two.kind = Scalar::Kind::Int, two.i = 2;
  ASSERT_EQ(portable::addmm_out(c.ctx, ts.t, ta.t, tb.t, zero, two, to.t), Error::Ok);
  EXPECT_EQ(out[0], 2.0f);
  EXPECT_EQ(out[1], 4.0f);
}

TEST(MaxPool2d, NanWinsAtItsLastPositionAndMinusInfKeepsTheFirstTap) {
  // One 2x2 window of NaN, 1, NaN, 0 -> NaN at index 2; one of -inf only -> -inf at index 0.
  float in[8] = {NAN, 1, NAN, 0, -INFINITY, -INFINITY, -INFINITY, -INFINITY}, out[2] = {0};
  int64_t idx[2] = {-1, -1};
  int32_t si[3] = {2, 2, 2}, so[3] = {2, 1, 1};
  T ti(ScalarType::Float, 3, si, in), to(ScalarType::Float, 3, so, out), tx(ScalarType::Long, 3, so, idx);
  Ctx c("aten::max_pool2d_with_indices.out");
  ASSERT_EQ(portable::max_pool2d_with_indices_out(c.ctx, ti.t, ints({2, 2}), ints({}), ints({0, 0}), ints({1, 1}), false,
                                                  to.t, tx.t),
            Error::Ok);
  EXPECT_TRUE(isnan(out[0]));
  EXPECT_EQ(idx[0], 2);
  EXPECT_EQ(out[1], -INFINITY);
  EXPECT_EQ(idx[1], 0);
}

TEST(Softmax, RefusesHalfToFloatAndNormalisesRows) {
  float in[3] = {0, 1, 2}, out[3] = {0};
  int32_t s[1] = {3};
  T ti(ScalarType::Float, 1, s, in), to(ScalarType::Float, 1, s, out);
  Ctx c("aten::_softmax.out");
  EXPECT_EQ(portable::softmax_out(c.ctx, ti.t, 0, true, to.t), Error::NotSupported);
  ASSERT_EQ(portable::softmax_out(c.ctx, ti.t, -1, false, to.t), Error::Ok);
  EXPECT_TRUE(fabs(out[0] + out[1] + out[2] - 1.0) < 1e-6);
  EXPECT_TRUE(fabs(out[2] / out[1] - exp(1.0)) < 1e-5);
}
