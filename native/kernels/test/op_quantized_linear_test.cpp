// cortex_m::quantized_linear.out: per-tensor requantization, activation_max before activation_min.
#include "kernels/generated/kernel_decls.h"
#include "kernels/test/op_quantized_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using etb::qtest::kHalf;
using etb::qtest::TensorOf;

namespace {

int8_t x[6] = {1, 2, 3, -1, 0, 127};  // [2, 3]
int8_t w[6] = {1, 1, 1, 2, -1, 0};    // [2, 3]

}  // namespace

TEST(QuantizedLinear, BatchesBiasRequantizeAndClamp) {
  int32_t bias[2] = {0, 5};
  int8_t y[4] = {0};
  const int64_t mult[1] = {kHalf}, shift[1] = {-1};
  TensorOf tx(ScalarType::Char, {2, 3}, x), tw(ScalarType::Char, {2, 3}, w), tb(ScalarType::Int, {2}, bias);
  TensorOf ty(ScalarType::Char, {2, 2}, y);
  KernelContext ctx("cortex_m::quantized_linear.out", nullptr, nullptr, nullptr);
  // activation_max = 20, activation_min = -1, in that order.
  ASSERT_EQ(quantized::quantized_linear_out_prepare(ctx, tx.t, tw.t, &tb.t, nullptr, 1, 0, -3, mult, shift, 20, -1, ty.t), Error::Ok);
  ASSERT_EQ(quantized::quantized_linear_out(ctx, tx.t, tw.t, &tb.t, nullptr, 1, 0, -3, mult, shift, 20, -1, ty.t), Error::Ok);
  // x + 1 = [2, 3, 4] and [0, 1, 128]; acc = 9, 6, 129, 4;
  // *0.5 half up: 5, 3, 65, 2; /2 half away: 3, 2, 33, 1; - 3, clamp [-1, 20].
  EXPECT_EQ(y[0], 0);
  EXPECT_EQ(y[1], -1);
  EXPECT_EQ(y[2], 20);
  EXPECT_EQ(y[3], -1);
}

TEST(QuantizedLinear, KernelSumReplacesBias) {
  int32_t bias[2] = {0, 5};
  // kernel_sum = bias + input_offset * sum(w + filter_offset) = [0 + 6, 5 + 4].
  int32_t kernel_sum[2] = {6, 9};
  int8_t y_bias[4] = {0}, y_sum[4] = {0};
  const int64_t mult[1] = {kHalf}, shift[1] = {0};
  TensorOf tx(ScalarType::Char, {2, 3}, x), tw(ScalarType::Char, {2, 3}, w);
  TensorOf tb(ScalarType::Int, {2}, bias), tk(ScalarType::Int, {2}, kernel_sum);
  TensorOf ty_bias(ScalarType::Char, {2, 2}, y_bias), ty_sum(ScalarType::Char, {2, 2}, y_sum);
  KernelContext ctx("cortex_m::quantized_linear.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(quantized::quantized_linear_out_prepare(ctx, tx.t, tw.t, nullptr, &tk.t, 1, 1, 0, mult, shift, 127, -128, ty_sum.t), Error::Ok);
  ASSERT_EQ(quantized::quantized_linear_out(ctx, tx.t, tw.t, &tb.t, nullptr, 1, 1, 0, mult, shift, 127, -128, ty_bias.t), Error::Ok);
  ASSERT_EQ(quantized::quantized_linear_out(ctx, tx.t, tw.t, nullptr, &tk.t, 1, 1, 0, mult, shift, 127, -128, ty_sum.t), Error::Ok);
  // (x + 1) . (w + 1) + bias = 18, 15, 258, 133; * 0.5 half up = 9, 8, 129 -> 127, 67.
  const int8_t want[4] = {9, 8, 127, 67};
  for (int i = 0; i < 4; i++) {
    EXPECT_EQ(y_bias[i], want[i]);
    EXPECT_EQ(y_sum[i], want[i]);
  }
}

TEST(QuantizedLinear, PrepareChecksShapesAndActivationOrder) {
  int8_t y[4];
  const int64_t mult[1] = {kHalf}, shift[1] = {0}, bad_shift[1] = {-32};
  TensorOf tx(ScalarType::Char, {2, 3}, x), tw(ScalarType::Char, {2, 3}, w), ty(ScalarType::Char, {2, 2}, y);
  TensorOf wide(ScalarType::Char, {1, 4}, y);
  Diag diag;
  KernelContext ctx("cortex_m::quantized_linear.out", &diag, nullptr, nullptr);
  // Passing (min, max) in the (max, min) slots is caught.
  EXPECT_EQ(quantized::quantized_linear_out_prepare(ctx, tx.t, tw.t, nullptr, nullptr, 0, 0, 0, mult, shift, -128, 127, ty.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "activation_min 127 is greater than activation_max -128");
  diag.clear();
  EXPECT_EQ(quantized::quantized_linear_out_prepare(ctx, tx.t, tw.t, nullptr, nullptr, 0, 0, 0, mult, shift, 127, -128, wide.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "does not give out [..., 4]");
  diag.clear();
  EXPECT_EQ(quantized::quantized_linear_out_prepare(ctx, tx.t, tw.t, nullptr, nullptr, 0, 0, 0, mult, bad_shift, 127, -128, ty.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "requantize_shifts[0] = -32 is outside [-31, 30]");
  diag.clear();
  EXPECT_EQ(quantized::quantized_linear_out_prepare(ctx, tx.t, tw.t, nullptr, nullptr, 0, 0, 0, Span<const int64_t>(), shift, 127, -128, ty.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "need at least one entry");
}
