// cortex_m::dequantize_per_tensor.out: y = float(q - zero_point) * float(scale).
#include "kernels/generated/kernel_decls.h"
#include "kernels/test/op_quantized_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using etb::qtest::TensorOf;

TEST(QuantizedDequantize, SubtractsZeroPointThenScales) {
  int8_t in[4] = {-128, 0, 5, 127};
  float out[4];
  TensorOf ti(ScalarType::Char, {1, 4}, in), to(ScalarType::Float, {1, 4}, out);
  KernelContext ctx("cortex_m::dequantize_per_tensor.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(quantized::dequantize_per_tensor_out_prepare(ctx, ti.t, 0.5, 5, -128, 127, ScalarType::Char, to.t), Error::Ok);
  ASSERT_EQ(quantized::dequantize_per_tensor_out(ctx, ti.t, 0.5, 5, -128, 127, ScalarType::Char, to.t), Error::Ok);
  EXPECT_EQ(out[0], -66.5f);
  EXPECT_EQ(out[1], -2.5f);
  EXPECT_EQ(out[2], 0.0f);
  EXPECT_EQ(out[3], 61.0f);
}

TEST(QuantizedDequantize, MultipliesByTheFloat32Scale) {
  // KeywordSpotting output: scale 0.154293164611 (as float32), zero point 23.
  const double scale = 0.15429316461086273;
  int8_t in[2] = {81, -38};
  float out[2];
  TensorOf ti(ScalarType::Char, {2}, in), to(ScalarType::Float, {2}, out);
  KernelContext ctx("cortex_m::dequantize_per_tensor.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(quantized::dequantize_per_tensor_out(ctx, ti.t, scale, 23, -128, 127, ScalarType::Char, to.t), Error::Ok);
  EXPECT_EQ(out[0], 58.0f * float(scale));
  EXPECT_EQ(out[1], -61.0f * float(scale));
}

TEST(QuantizedDequantize, Int16Input) {
  int16_t in[2] = {-32768, 32767};
  float out[2];
  TensorOf ti(ScalarType::Short, {2}, in), to(ScalarType::Float, {2}, out);
  KernelContext ctx("cortex_m::dequantize_per_tensor.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(quantized::dequantize_per_tensor_out_prepare(ctx, ti.t, 2.0, -1, -32768, 32767, ScalarType::Short, to.t), Error::Ok);
  ASSERT_EQ(quantized::dequantize_per_tensor_out(ctx, ti.t, 2.0, -1, -32768, 32767, ScalarType::Short, to.t), Error::Ok);
  EXPECT_EQ(out[0], -65534.0f);
  EXPECT_EQ(out[1], 65536.0f);
}

TEST(QuantizedDequantize, PrepareChecksDtypeAndZeroPoint) {
  int8_t in[2] = {0};
  float out[2];
  TensorOf ti(ScalarType::Char, {2}, in), to(ScalarType::Float, {2}, out);
  Diag diag;
  KernelContext ctx("cortex_m::dequantize_per_tensor.out", &diag, nullptr, nullptr);
  EXPECT_EQ(quantized::dequantize_per_tensor_out_prepare(ctx, ti.t, 1.0, 0, -32768, 32767, ScalarType::Short, to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "input must be int16, got int8");
  diag.clear();
  EXPECT_EQ(quantized::dequantize_per_tensor_out_prepare(ctx, ti.t, 1.0, 100, -10, 10, ScalarType::Char, to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "zero_point = 100 is outside [-10, 10]");
}
