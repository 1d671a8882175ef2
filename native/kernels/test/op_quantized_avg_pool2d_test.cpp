// cortex_m::quantized_avg_pool2d.out: mean of in-bounds taps, half away from zero.
#include "kernels/generated/kernel_decls.h"
#include "kernels/test/op_quantized_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using etb::qtest::kNhwc;
using etb::qtest::TensorOf;

namespace {

uint8_t scratch_byte[1];

struct Pool {
  TensorOf scratch{ScalarType::Byte, {0}, scratch_byte};
  Diag diag;
  KernelContext ctx{"cortex_m::quantized_avg_pool2d.out", &diag, nullptr, nullptr};
  Error prepare_and_run(const Tensor& in, Span<const int64_t> kernel, Span<const int64_t> stride,
                        Span<const int64_t> padding, bool ceil_mode, Tensor& out) {
    // zero_point, multiplier and shift are ignored by the kernel; pass KeywordSpotting's.
    Error e = quantized::quantized_avg_pool2d_out_prepare(ctx, in, kernel, stride, padding, ceil_mode, -128,
                                                          2077939072, -4, scratch.t, out);
    if (e != Error::Ok) return e;
    return quantized::quantized_avg_pool2d_out(ctx, in, kernel, stride, padding, ceil_mode, -128, 2077939072, -4,
                                               scratch.t, out);
  }
};

}  // namespace

TEST(QuantizedAvgPool2d, PaddingTapsAreNotCounted) {
  // C = 2, 3x3: channel 0 holds 1..9, channel 1 holds -1..-9.
  int8_t x[18];
  for (int i = 0; i < 9; i++) {
    x[2 * i] = int8_t(i + 1);
    x[2 * i + 1] = int8_t(-(i + 1));
  }
  int8_t y[8] = {0};
  const int64_t two[2] = {2, 2}, one[2] = {1, 1};
  TensorOf tx(ScalarType::Char, {1, 2, 3, 3}, x, kNhwc), ty(ScalarType::Char, {1, 2, 2, 2}, y, kNhwc);
  Pool p;
  ASSERT_EQ(p.prepare_and_run(tx.t, two, two, one, false, ty.t), Error::Ok);
  // Windows: {1} -> 1; {2, 3} -> 2.5 -> 3; {4, 7} -> 5.5 -> 6; {5, 6, 8, 9} -> 7; negatives mirror.
  const int8_t want[8] = {1, -1, 3, -3, 6, -6, 7, -7};
  for (int i = 0; i < 8; i++) EXPECT_EQ(y[i], want[i]);
}

TEST(QuantizedAvgPool2d, FloorModeDropsTheLastRowCeilModeKeepsIt) {
  int8_t x[3] = {1, 2, 3};  // C = 1, H = 3, W = 1
  int8_t y[2] = {0, 0};
  const int64_t kernel[2] = {2, 1}, stride[2] = {2, 1}, zeros[2] = {0, 0};
  TensorOf tx(ScalarType::Char, {1, 1, 3, 1}, x, kNhwc);
  TensorOf floor_out(ScalarType::Char, {1, 1, 1, 1}, y, kNhwc), ceil_out(ScalarType::Char, {1, 1, 2, 1}, y, kNhwc);
  Pool p;
  ASSERT_EQ(p.prepare_and_run(tx.t, kernel, stride, zeros, false, floor_out.t), Error::Ok);
  EXPECT_EQ(y[0], 2);  // (1 + 2) / 2 = 1.5 -> 2
  ASSERT_EQ(p.prepare_and_run(tx.t, kernel, stride, zeros, true, ceil_out.t), Error::Ok);
  EXPECT_EQ(y[0], 2);
  EXPECT_EQ(y[1], 3);  // the partial window holds only the last row
}

TEST(QuantizedAvgPool2d, NegativeHalvesRoundAwayFromZero) {
  int8_t x[4] = {-128, -127, -1, -2};  // C = 1, H = 1, W = 4
  int8_t y[2] = {0, 0};
  const int64_t kernel[2] = {1, 2}, zeros[2] = {0, 0};
  TensorOf tx(ScalarType::Char, {1, 1, 1, 4}, x, kNhwc), ty(ScalarType::Char, {1, 1, 1, 2}, y, kNhwc);
  Pool p;
  ASSERT_EQ(p.prepare_and_run(tx.t, kernel, kernel, zeros, false, ty.t), Error::Ok);
  EXPECT_EQ(y[0], -128);  // -127.5
  EXPECT_EQ(y[1], -2);    // -1.5
}

TEST(QuantizedAvgPool2d, PrepareChecksWindowAndChannels) {
  int8_t x[4] = {0}, y[9] = {0};
  const int64_t one[2] = {1, 1}, two[2] = {2, 2}, zeros[2] = {0, 0};
  TensorOf tx(ScalarType::Char, {1, 1, 2, 2}, x, kNhwc);
  TensorOf wrong_c(ScalarType::Char, {1, 2, 1, 1}, y, kNhwc), wrong_hw(ScalarType::Char, {1, 1, 2, 2}, y, kNhwc);
  TensorOf padded(ScalarType::Char, {1, 1, 4, 4}, y, kNhwc);
  Pool p;
  EXPECT_EQ(p.prepare_and_run(tx.t, two, two, zeros, false, wrong_c.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(p.diag.message, "input N=1 C=1 must equal out N=1 C=2");
  p.diag.clear();
  EXPECT_EQ(p.prepare_and_run(tx.t, two, two, zeros, false, wrong_hw.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(p.diag.message, "out is 2x2 (HxW) but the window gives 1x1");
  p.diag.clear();
  EXPECT_EQ(p.prepare_and_run(tx.t, one, one, one, false, padded.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(p.diag.message, "entirely in the padding");
}
