// cortex_m::quantized_depthwise_conv2d.out: IHWO weights, oc = ci * depth_multiplier + m.
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

struct Depthwise {
  TensorOf scratch{ScalarType::Byte, {0}, scratch_byte};
  Diag diag;
  KernelContext ctx{"cortex_m::quantized_depthwise_conv2d.out", &diag, nullptr, nullptr};
  Error prepare_and_run(const Tensor& in, const Tensor& w, const Tensor* bias, Span<const int64_t> stride,
                        Span<const int64_t> padding, int64_t dm, int64_t in_off, int64_t out_off, const Tensor& mult,
                        const Tensor& shift, int64_t lo, int64_t hi, Tensor& out) {
    Error e = quantized::quantized_depthwise_conv2d_out_prepare(ctx, in, w, bias, stride, padding, kOnes, dm, in_off,
                                                                out_off, mult, shift, lo, hi, scratch.t, out);
    if (e != Error::Ok) return e;
    return quantized::quantized_depthwise_conv2d_out(ctx, in, w, bias, stride, padding, kOnes, dm, in_off, out_off,
                                                     mult, shift, lo, hi, scratch.t, out);
  }
};

}  // namespace

TEST(QuantizedDepthwiseConv2d, DepthMultiplierPaddingAndPerChannelShifts) {
  // Cin 2, depth_multiplier 2, a 1x2 kernel over a 1x2 image with padding (0, 1): 3 outputs.
  int8_t x[4] = {1, -2, 3, 4};                    // pixels [1, -2], [3, 4]; + input_offset 2
  int8_t w[8] = {1, 2, 3, 4, -1, -2, -3, -4};     // [1, 1, 2, 4]: tap 0 then tap 1
  int32_t bias[4] = {1, 0, 0, -1};
  int32_t mult[4] = {kHalf, kHalf, kHalf, kHalf}, shift[4] = {0, -1, 0, 1};
  int8_t y[12] = {0};
  const int64_t padding[2] = {0, 1};
  TensorOf tx(ScalarType::Char, {1, 2, 1, 2}, x, kNhwc), tw(ScalarType::Char, {1, 1, 2, 4}, w);
  TensorOf tb(ScalarType::Int, {4}, bias), tm(ScalarType::Int, {4}, mult), ts(ScalarType::Int, {4}, shift);
  TensorOf ty(ScalarType::Char, {1, 4, 1, 3}, y, kNhwc);
  Depthwise d;
  ASSERT_EQ(d.prepare_and_run(tx.t, tw.t, &tb.t, kOnes, padding, 2, 2, -1, tm.t, ts.t, -20, 127, ty.t), Error::Ok);
  // acc + bias: ox0 [-2, -6, 0, -1], ox1 [-1, -4, -18, -25], ox2 [6, 10, 18, 23].
  // oc0, oc2: *0.5 (half up); oc1: *0.5 then /2 half away from zero; oc3: *2 *0.5; then - 1, min -20.
  const int8_t want[12] = {-2, -3, -1, -2, -1, -2, -10, -20, 2, 2, 8, 22};
  for (int i = 0; i < 12; i++) EXPECT_EQ(y[i], want[i]);
}

TEST(QuantizedDepthwiseConv2d, SingleChannelInputInAnyDimOrderIsNhwc) {
  // KeywordSpotting's first layer: input [1, 1, H, W] with dim order [0, 2, 1, 3].
  int8_t x[4] = {10, 20, 30, 40};
  int8_t w[2] = {1, -1};  // [1, 1, 1, 2]: depth_multiplier 2
  int32_t mult[2] = {kHalf, kHalf}, shift[2] = {0, 0};
  int8_t y[8] = {0};
  const uint8_t order[4] = {0, 2, 1, 3};
  TensorOf tx(ScalarType::Char, {1, 1, 2, 2}, x, order), tw(ScalarType::Char, {1, 1, 1, 2}, w);
  TensorOf tm(ScalarType::Int, {2}, mult), ts(ScalarType::Int, {2}, shift);
  TensorOf ty(ScalarType::Char, {1, 2, 2, 2}, y, kNhwc);
  Depthwise d;
  ASSERT_EQ(d.prepare_and_run(tx.t, tw.t, nullptr, kOnes, kZeros, 2, -10, 0, tm.t, ts.t, -128, 127, ty.t), Error::Ok);
  // (x - 10) * [1, -1] * 0.5: 0 -> [0, 0], 10 -> [5, -5], 20 -> [10, -10], 30 -> [15, -15].
  const int8_t want[8] = {0, 0, 5, -5, 10, -10, 15, -15};
  for (int i = 0; i < 8; i++) EXPECT_EQ(y[i], want[i]);
}

TEST(QuantizedDepthwiseConv2d, PrepareRejectsBadShapes) {
  int8_t x[8] = {0}, w[4] = {0}, y[8] = {0};
  int32_t mult[4] = {kHalf, kHalf, kHalf, kHalf}, shift[4] = {0};
  TensorOf tx(ScalarType::Char, {1, 2, 2, 2}, x, kNhwc), tw(ScalarType::Char, {1, 1, 1, 4}, w);
  TensorOf tm(ScalarType::Int, {4}, mult), ts(ScalarType::Int, {4}, shift);
  TensorOf ty(ScalarType::Char, {1, 4, 2, 2}, y, kNhwc);
  Depthwise d;
  EXPECT_EQ(d.prepare_and_run(tx.t, tw.t, nullptr, kOnes, kZeros, 1, 0, 0, tm.t, ts.t, -128, 127, ty.t),
            Error::InvalidArgument);
  EXPECT_STR_CONTAINS(d.diag.message, "input channels 2 x depth_multiplier 1 must equal weight channels 4");
  d.diag.clear();
  TensorOf batch2(ScalarType::Char, {2, 2, 1, 2}, x, kNhwc), out2(ScalarType::Char, {2, 4, 1, 2}, y, kNhwc);
  EXPECT_EQ(d.prepare_and_run(batch2.t, tw.t, nullptr, kOnes, kZeros, 2, 0, 0, tm.t, ts.t, -128, 127, out2.t),
            Error::NotSupported);
  EXPECT_STR_CONTAINS(d.diag.message, "batch must be 1");
  d.diag.clear();
  TensorOf nchw_out(ScalarType::Char, {1, 4, 2, 2}, y);
  EXPECT_EQ(d.prepare_and_run(tx.t, tw.t, nullptr, kOnes, kZeros, 2, 0, 0, tm.t, ts.t, -128, 127, nchw_out.t),
            Error::NotSupported);
  EXPECT_STR_CONTAINS(d.diag.message, "out must be channels-last");
  d.diag.clear();
  EXPECT_EQ(d.prepare_and_run(tx.t, tw.t, nullptr, kOnes, kZeros, 2, 200, 0, tm.t, ts.t, -128, 127, ty.t),
            Error::InvalidArgument);
  EXPECT_STR_CONTAINS(d.diag.message, "input_offset = 200 is outside [-127, 128]");
}
