// cortex_m::dequantize_per_tensor.out: int8/int16 -> float32,
// y = float(q - zero_point) * float(scale).
#include "kernels/generated/kernel_decls.h"
#include "kernels/quantized/util/check_util.h"

namespace etb {
namespace quantized {
namespace {

template <typename Q>
void dequantize(const Q* in, float* out, int64_t n, float scale, int32_t zero_point) {
  for (int64_t i = 0; i < n; i++) out[i] = float(int32_t(in[i]) - zero_point) * scale;
}

}  // namespace

Error dequantize_per_tensor_out_prepare(KernelContext& ctx, const Tensor& input, double scale, int64_t zero_point,
                                        int64_t quant_min, int64_t quant_max, ScalarType dtype, Tensor& out) {
  if (dtype != ScalarType::Char && dtype != ScalarType::Short) {
    return ctx.fail(Error::NotSupported, "dtype must be int8 or int16, got %s", scalar_type_name(dtype));
  }
  ETB_RETURN_IF_ERROR(check_dtype(ctx, input, dtype, "input"));
  ETB_RETURN_IF_ERROR(check_dtype(ctx, out, ScalarType::Float, "out"));
  const int64_t lo = dtype == ScalarType::Char ? -128 : -32768, hi = dtype == ScalarType::Char ? 127 : 32767;
  ETB_RETURN_IF_ERROR(check_range(ctx, quant_min, lo, hi, "quant_min"));
  ETB_RETURN_IF_ERROR(check_range(ctx, quant_max, quant_min, hi, "quant_max"));
  ETB_RETURN_IF_ERROR(check_range(ctx, zero_point, quant_min, quant_max, "zero_point"));
  return check_same_layout(ctx, input, out, "input", "out");
}

Error dequantize_per_tensor_out(KernelContext& ctx, const Tensor& input, double scale, int64_t zero_point,
                                int64_t quant_min, int64_t quant_max, ScalarType dtype, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize(out, Span<const int32_t>(input.sizes, size_t(input.dim)), ctx.diag(), "out"));
  const int64_t n = input.numel();
  if (input.dtype == ScalarType::Char) dequantize(input.data_as<const int8_t>(), out.data_as<float>(), n, float(scale), int32_t(zero_point));
  else dequantize(input.data_as<const int16_t>(), out.data_as<float>(), n, float(scale), int32_t(zero_point));
  return Error::Ok;
}

}  // namespace quantized
}  // namespace etb
