// cortex_m::quantized_conv2d.out: NHWC input, OHWI weights, per-channel requantization.
#include "kernels/generated/kernel_decls.h"
#include "kernels/test/op_quantized_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using etb::qtest::kHalf;
using etb::qtest::kNhwc;
using etb::qtest::kOnes;
using etb::qtest::kZeros;
using etb::qtest::TensorOf;

namespace {

uint8_t scratch_byte[1];

struct Conv {
  TensorOf scratch{ScalarType::Byte, {0}, scratch_byte};
  Diag diag;
  KernelContext ctx{"cortex_m::quantized_conv2d.out", &diag, nullptr, nullptr};
  Error prepare_and_run(const Tensor& in, const Tensor& w, const Tensor* bias, Span<const int64_t> stride,
                        Span<const int64_t> padding, Span<const int64_t> dilation, int64_t in_off, int64_t out_off,
                        const Tensor& mult, const Tensor& shift, int64_t lo, int64_t hi, Tensor& out) {
    Error e = quantized::quantized_conv2d_out_prepare(ctx, in, w, bias, stride, padding, dilation, in_off, out_off,
                                                      mult, shift, lo, hi, scratch.t, out);
    if (e != Error::Ok) return e;
    return quantized::quantized_conv2d_out(ctx, in, w, bias, stride, padding, dilation, in_off, out_off, mult, shift,
                                           lo, hi, scratch.t, out);
  }
};

}  // namespace

TEST(QuantizedConv2d, PointwisePerChannelRequantization) {
  // Two pixels of 3 channels (NHWC), input_offset 1: x + 1 = [2,3,4] and [-3,6,-5].
  int8_t x[6] = {1, 2, 3, -4, 5, -6};
  int8_t w[6] = {1, 0, -1, 2, 1, 1};  // OHWI [2, 1, 1, 3]
  int32_t bias[2] = {10, -7};
  int32_t mult[2] = {kHalf, kHalf}, shift[2] = {0, -1};
  int8_t y[4] = {0};
  TensorOf tx(ScalarType::Char, {1, 3, 1, 2}, x, kNhwc), tw(ScalarType::Char, {2, 1, 1, 3}, w);
  TensorOf tb(ScalarType::Int, {2}, bias), tm(ScalarType::Int, {2}, mult), ts(ScalarType::Int, {2}, shift);
  TensorOf ty(ScalarType::Char, {1, 2, 1, 2}, y, kNhwc);
  Conv c;
  ASSERT_EQ(c.prepare_and_run(tx.t, tw.t, &tb.t, kOnes, kZeros, kOnes, 1, 3, tm.t, ts.t, -128, 8, ty.t), Error::Ok);
  // acc: c0 = 10 + 2 - 4 = 8, c1 = -7 + 4 + 3 + 4 = 4; c0 = 10 - 3 + 5 = 12, c1 = -7 - 6 + 6 - 5 = -12.
  // c0 * 0.5: 4.5 -> 4, 6.5 -> 6; c1 * 0.5 / 2: 4 -> 2 -> 1, -12 -> -6 -> -3; + 3, max 8.
  EXPECT_EQ(y[0], 7);
  EXPECT_EQ(y[1], 4);
  EXPECT_EQ(y[2], 8);  // 9 clamped to activation_max
  EXPECT_EQ(y[3], 0);
}

TEST(QuantizedConv2d, PaddingTapsContributeNothing) {
  int8_t x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};  // C = 1, 3x3
  int8_t w[4] = {1, 2, 3, 4};                 // [1, 2, 2, 1]
  int32_t mult[1] = {kHalf}, shift[1] = {0};
  int8_t y[4] = {0};
  const int64_t stride[2] = {2, 2};
  TensorOf tx(ScalarType::Char, {1, 1, 3, 3}, x, kNhwc), tw(ScalarType::Char, {1, 2, 2, 1}, w);
  TensorOf tm(ScalarType::Int, {1}, mult), ts(ScalarType::Int, {1}, shift);
  TensorOf ty(ScalarType::Char, {1, 1, 2, 2}, y, kNhwc);
  Conv c;
  ASSERT_EQ(c.prepare_and_run(tx.t, tw.t, nullptr, stride, kOnes, kOnes, 0, 0, tm.t, ts.t, -128, 127, ty.t), Error::Ok);
  // Windows start at (-1,-1), (-1,1), (1,-1), (1,1): 1*4 = 4; 2*3 + 3*4 = 18; 4*2 + 7*4 = 36;
  // 5 + 12 + 24 + 36 = 77; times 0.5 rounding half up.
  EXPECT_EQ(y[0], 2);
  EXPECT_EQ(y[1], 9);
  EXPECT_EQ(y[2], 18);
  EXPECT_EQ(y[3], 39);
}

TEST(QuantizedConv2d, Dilation) {
  int8_t x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  int8_t w[4] = {1, 2, 3, 4};
  int32_t mult[1] = {kHalf}, shift[1] = {0};
  int8_t y[1] = {0};
  const int64_t dilation[2] = {2, 2};
  TensorOf tx(ScalarType::Char, {1, 1, 3, 3}, x, kNhwc), tw(ScalarType::Char, {1, 2, 2, 1}, w);
  TensorOf tm(ScalarType::Int, {1}, mult), ts(ScalarType::Int, {1}, shift);
  TensorOf ty(ScalarType::Char, {1, 1, 1, 1}, y, kNhwc);
  Conv c;
  ASSERT_EQ(c.prepare_and_run(tx.t, tw.t, nullptr, kOnes, kZeros, dilation, 0, 0, tm.t, ts.t, -128, 127, ty.t), Error::Ok);
  EXPECT_EQ(y[0], 32);  // (1*1 + 3*2 + 7*3 + 9*4) * 0.5
}

TEST(QuantizedConv2d, PrepareRejectsChannelsFirstInput) {
  int8_t x[8] = {0}, w[2] = {0}, y[4] = {0};
  int32_t mult[1] = {kHalf}, shift[1] = {0};
  TensorOf tx(ScalarType::Char, {1, 2, 2, 2}, x), tw(ScalarType::Char, {1, 1, 1, 2}, w);
  TensorOf tm(ScalarType::Int, {1}, mult), ts(ScalarType::Int, {1}, shift);
  TensorOf ty(ScalarType::Char, {1, 1, 2, 2}, y, kNhwc);
  Conv c;
  EXPECT_EQ(c.prepare_and_run(tx.t, tw.t, nullptr, kOnes, kZeros, kOnes, 0, 0, tm.t, ts.t, -128, 127, ty.t),
            Error::NotSupported);
  EXPECT_STR_CONTAINS(c.diag.message, "input must be channels-last");
  EXPECT_STR_CONTAINS(c.diag.message, "dim order [0, 1, 2, 3]");
}

TEST(QuantizedConv2d, PrepareChecksSizesAndParameters) {
  int8_t x[8] = {0}, w[2] = {0}, y[4] = {0};
  int32_t mult[1] = {kHalf}, shift[1] = {0}, bad_shift[1] = {31};
  const int64_t three[3] = {1, 1, 1};
  TensorOf tx(ScalarType::Char, {1, 2, 2, 2}, x, kNhwc), tw(ScalarType::Char, {1, 1, 1, 2}, w);
  TensorOf tm(ScalarType::Int, {1}, mult), ts(ScalarType::Int, {1}, shift), tbad(ScalarType::Int, {1}, bad_shift);
  TensorOf ty(ScalarType::Char, {1, 1, 2, 2}, y, kNhwc), small(ScalarType::Char, {1, 1, 1, 2}, y, kNhwc);
  Conv c;
  EXPECT_EQ(c.prepare_and_run(tx.t, tw.t, nullptr, kOnes, kZeros, kOnes, 0, 0, tm.t, ts.t, -128, 127, small.t),
            Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "out is 1x2 (HxW) but the window gives 2x2");
  c.diag.clear();
  EXPECT_EQ(c.prepare_and_run(tx.t, tw.t, nullptr, three, kZeros, kOnes, 0, 0, tm.t, ts.t, -128, 127, ty.t),
            Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "stride must have 2 entries");
  c.diag.clear();
  EXPECT_EQ(c.prepare_and_run(tx.t, tw.t, nullptr, kOnes, kZeros, kOnes, 0, 0, tm.t, tbad.t, -128, 127, ty.t),
            Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "requantize_shifts[0] = 31 is outside [-31, 30]");
  c.diag.clear();
  EXPECT_EQ(c.prepare_and_run(tx.t, tw.t, &tw.t, kOnes, kZeros, kOnes, 0, 0, tm.t, ts.t, -128, 127, ty.t),
            Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "bias must be int32, got int8");
  c.diag.clear();
  EXPECT_EQ(c.prepare_and_run(tx.t, tw.t, nullptr, kOnes, kZeros, kOnes, 0, 0, tm.t, ts.t, 10, -10, ty.t),
            Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "activation_min 10 is greater than activation_max -10");
  c.diag.clear();
  TensorOf tw3(ScalarType::Char, {1, 1, 1, 3}, w);
  EXPECT_EQ(c.prepare_and_run(tx.t, tw3.t, nullptr, kOnes, kZeros, kOnes, 0, 0, tm.t, ts.t, -128, 127, ty.t),
            Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "weight has 3 input channels but input has 2");
}
