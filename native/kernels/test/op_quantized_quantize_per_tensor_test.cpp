// cortex_m::quantize_per_tensor.out: float32 math, round half to even, clamp.
#include <math.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/test/op_quantized_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using etb::qtest::TensorOf;

TEST(QuantizedQuantize, RoundsHalfToEvenAndClamps) {
  float in[8] = {0.25f, 0.75f, -0.25f, -0.75f, 100.0f, -100.0f, 1.25f, NAN};
  int8_t out[8] = {0};
  TensorOf ti(ScalarType::Float, {2, 4}, in), to(ScalarType::Char, {2, 4}, out);
  KernelContext ctx("cortex_m::quantize_per_tensor.out", nullptr, nullptr, nullptr);
  // scale 0.5: q = 3 + nearbyint(2 * x), clamped to [-100, 100].
  ASSERT_EQ(quantized::quantize_per_tensor_out_prepare(ctx, ti.t, 0.5, 3, -100, 100, ScalarType::Char, to.t), Error::Ok);
  ASSERT_EQ(quantized::quantize_per_tensor_out(ctx, ti.t, 0.5, 3, -100, 100, ScalarType::Char, to.t), Error::Ok);
  EXPECT_EQ(out[0], 3);     // 0.5 -> 0
  EXPECT_EQ(out[1], 5);     // 1.5 -> 2
  EXPECT_EQ(out[2], 3);     // -0.5 -> -0
  EXPECT_EQ(out[3], 1);     // -1.5 -> -2
  EXPECT_EQ(out[4], 100);   // 203 clamped
  EXPECT_EQ(out[5], -100);  // -197 clamped
  EXPECT_EQ(out[6], 5);     // 2.5 -> 2
  EXPECT_EQ(out[7], -100);  // NaN saturates low, then clamps
}

TEST(QuantizedQuantize, UsesTheFloat32ReciprocalOfTheScale) {
  // The KeywordSpotting input quantization: scale 2.822781801224, zero point 68.
  const double scale = 2.822781801224;
  float in[3] = {-234.681412f, 43.233639f, 141.1390900612f};
  int8_t out[3];
  TensorOf ti(ScalarType::Float, {3}, in), to(ScalarType::Char, {3}, out);
  KernelContext ctx("cortex_m::quantize_per_tensor.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(quantized::quantize_per_tensor_out(ctx, ti.t, scale, 68, -128, 127, ScalarType::Char, to.t), Error::Ok);
  const float inv = 1.0f / float(scale);
  for (int i = 0; i < 3; i++) {
    long q = lrintf(inv * in[i]) + 68;
    EXPECT_EQ(out[i], int8_t(q < -128 ? -128 : q > 127 ? 127 : q));
  }
  EXPECT_EQ(out[0], -15);  // -83.137 -> -83
  EXPECT_EQ(out[1], 83);   // 15.316 -> 15
}

TEST(QuantizedQuantize, Int16Output) {
  float in[2] = {1000.0f, -40000.0f};
  int16_t out[2];
  TensorOf ti(ScalarType::Float, {2}, in), to(ScalarType::Short, {2}, out);
  KernelContext ctx("cortex_m::quantize_per_tensor.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(quantized::quantize_per_tensor_out_prepare(ctx, ti.t, 0.25, -10, -32768, 32767, ScalarType::Short, to.t), Error::Ok);
  ASSERT_EQ(quantized::quantize_per_tensor_out(ctx, ti.t, 0.25, -10, -32768, 32767, ScalarType::Short, to.t), Error::Ok);
  EXPECT_EQ(out[0], 3990);
  EXPECT_EQ(out[1], -32768);
}

TEST(QuantizedQuantize, PrepareRejectsBadArguments) {
  float in[2] = {0};
  int8_t out[2];
  int32_t wide[2];
  TensorOf ti(ScalarType::Float, {2}, in), to(ScalarType::Char, {2}, out), tw(ScalarType::Int, {2}, wide);
  Diag diag;
  KernelContext ctx("cortex_m::quantize_per_tensor.out", &diag, nullptr, nullptr);
  EXPECT_EQ(quantized::quantize_per_tensor_out_prepare(ctx, ti.t, 0.5, 0, -128, 127, ScalarType::Int, tw.t), Error::NotSupported);
  EXPECT_STR_CONTAINS(diag.message, "dtype must be int8 or int16");
  diag.clear();
  EXPECT_EQ(quantized::quantize_per_tensor_out_prepare(ctx, ti.t, 0.5, 0, -129, 127, ScalarType::Char, to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "quant_min = -129 is outside [-128, 127]");
  diag.clear();
  EXPECT_EQ(quantized::quantize_per_tensor_out_prepare(ctx, ti.t, 0.0, 0, -128, 127, ScalarType::Char, to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "scale");
  diag.clear();
  EXPECT_EQ(quantized::quantize_per_tensor_out_prepare(ctx, to.t, 0.5, 0, -128, 127, ScalarType::Char, to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "input must be float32");
}
