// cortex_m::pad.out: constant padding in physical (n, h, w, c) order.
#include "kernels/generated/kernel_decls.h"
#include "kernels/test/op_quantized_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using etb::qtest::kNhwc;
using etb::qtest::TensorOf;

TEST(QuantizedPad, PadsNhwcInPhysicalOrder) {
  int8_t x[4] = {1, 2, 3, 4};  // [N=1, C=2, H=1, W=2]: pixels [1, 2], [3, 4]
  int8_t y[18];
  const int64_t pre[4] = {0, 1, 0, 1}, post[4] = {0, 0, 1, 0};
  TensorOf tx(ScalarType::Char, {1, 2, 1, 2}, x, kNhwc), ty(ScalarType::Char, {1, 3, 2, 3}, y, kNhwc);
  KernelContext ctx("cortex_m::pad.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(quantized::pad_out_prepare(ctx, tx.t, pre, post, -5, ty.t), Error::Ok);
  ASSERT_EQ(quantized::pad_out(ctx, tx.t, pre, post, -5, ty.t), Error::Ok);
  const int8_t want[18] = {-5, -5, -5, -5, -5, -5, -5, -5, -5,  // h = 0: padding row
                           -5, 1, 2, -5, 3, 4, -5, -5, -5};    // h = 1: c padded before, w after
  for (int i = 0; i < 18; i++) EXPECT_EQ(y[i], want[i]);
}

TEST(QuantizedPad, LowerRanksAreRightAligned) {
  int8_t x[4] = {1, 2, 3, 4};
  int8_t y[9];
  const int64_t pre[4] = {0, 0, 1, 0}, post[4] = {0, 0, 0, 1};
  TensorOf tx(ScalarType::Char, {2, 2}, x), ty(ScalarType::Char, {3, 3}, y);
  KernelContext ctx("cortex_m::pad.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(quantized::pad_out_prepare(ctx, tx.t, pre, post, 0, ty.t), Error::Ok);
  ASSERT_EQ(quantized::pad_out(ctx, tx.t, pre, post, 0, ty.t), Error::Ok);
  const int8_t want[9] = {0, 0, 0, 1, 2, 0, 3, 4, 0};
  for (int i = 0; i < 9; i++) EXPECT_EQ(y[i], want[i]);
}

TEST(QuantizedPad, ZeroPadsCopy) {
  int8_t x[6] = {1, -2, 3, -4, 5, -6};
  int8_t y[6] = {0};
  const int64_t zeros[4] = {0, 0, 0, 0};
  TensorOf tx(ScalarType::Char, {1, 3, 1, 2}, x, kNhwc), ty(ScalarType::Char, {1, 3, 1, 2}, y, kNhwc);
  KernelContext ctx("cortex_m::pad.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(quantized::pad_out_prepare(ctx, tx.t, zeros, zeros, -128, ty.t), Error::Ok);
  ASSERT_EQ(quantized::pad_out(ctx, tx.t, zeros, zeros, -128, ty.t), Error::Ok);
  for (int i = 0; i < 6; i++) EXPECT_EQ(y[i], x[i]);
}

TEST(QuantizedPad, PrepareChecksOutSizesAndArguments) {
  int8_t x[4] = {0}, y[9];
  const int64_t pre[4] = {1, 0, 0, 0}, post[4] = {0, 0, 0, 1}, three[3] = {0, 0, 0};
  TensorOf tx(ScalarType::Char, {2, 2}, x), ty(ScalarType::Char, {3, 3}, y);
  Diag diag;
  KernelContext ctx("cortex_m::pad.out", &diag, nullptr, nullptr);
  EXPECT_EQ(quantized::pad_out_prepare(ctx, tx.t, pre, post, 0, ty.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "physical dim 0: input 1 + pads 1 + 0 != out 1");
  diag.clear();
  EXPECT_EQ(quantized::pad_out_prepare(ctx, tx.t, three, post, 0, ty.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "need 4 entries");
  diag.clear();
  EXPECT_EQ(quantized::pad_out_prepare(ctx, tx.t, post, post, 128, ty.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "pad_value = 128");
}
