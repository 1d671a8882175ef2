// quantized_decomposed::quantize_per_tensor.out and dequantize_per_tensor.out
// (optimized): dense float32 <-> dense int8/uint8, vectorized, bit-identical
// to the quantized kernels (the same float32 multiply, round half to even,
// clamp; NaN quantizes to 0). Anything else (other dtypes, layouts, zero
// points of 2^20 or more) is handed to the quantized kernel, at load and at
// run time: these operators have no portable kernel for the loader to fall
// back to, so prepare never reports NotSupported for them itself.
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/pointwise.h"
#include "kernels/optimized/util/vec_ops.h"

namespace etb {
namespace optimized {
namespace {

bool int8ish(ScalarType t) { return t == ScalarType::Char || t == ScalarType::Byte; }

bool small(int64_t v) { return v > -(int64_t(1) << 20) && v < (int64_t(1) << 20); }

bool q_handles(const Tensor& input, int64_t zp, int64_t qmin, int64_t qmax, ScalarType dtype, const Tensor& out) {
  return dense_f32(input) && int8ish(dtype) && out.dtype == dtype && out.is_contiguous() && small(zp) && small(qmin) &&
         small(qmax);
}

bool dq_handles(const Tensor& input, int64_t zp, ScalarType dtype, const Optional<ScalarType>& out_dtype,
                const Tensor& out) {
  const bool f32_out = !out_dtype.has_value || out_dtype.value == ScalarType::Float;
  return int8ish(dtype) && input.dtype == dtype && input.is_contiguous() && f32_out && dense_f32(out) && small(zp);
}

}  // namespace

Error opt_decomposed_quantize_per_tensor_out_prepare(KernelContext& ctx, const Tensor& input, double scale,
                                                     int64_t zero_point, int64_t quant_min, int64_t quant_max,
                                                     ScalarType dtype, Tensor& out) {
  return quantized::decomposed_quantize_per_tensor_out_prepare(ctx, input, scale, zero_point, quant_min, quant_max,
                                                               dtype, out);
}

Error opt_decomposed_quantize_per_tensor_out(KernelContext& ctx, const Tensor& input, double scale, int64_t zero_point,
                                             int64_t quant_min, int64_t quant_max, ScalarType dtype, Tensor& out) {
  if (!q_handles(input, zero_point, quant_min, quant_max, dtype, out)) {
    return quantized::decomposed_quantize_per_tensor_out(ctx, input, scale, zero_point, quant_min, quant_max, dtype,
                                                         out);
  }
  ETB_RETURN_IF_ERROR(resize_to(ctx, out, input.sizes, input.dim));
  const VecOps& v = vec_ops();
  const float inv = float(1.0 / scale);  // as the quantized kernel: Python's 1.0 / scale, then float32
  const float zp = float(zero_point), lo = float(quant_min), hi = float(quant_max);
  const bool u = dtype == ScalarType::Byte;
  const float* x = input.data_as<const float>();
  uint8_t* q = static_cast<uint8_t*>(out.data);
  for_range(ctx, input.numel(), 16384, 4.0, [&](int64_t b, int64_t e) { v.quantize_8(x + b, q + b, e - b, inv, zp, lo, hi, u); });
  return Error::Ok;
}

Error opt_decomposed_dequantize_per_tensor_out_prepare(KernelContext& ctx, const Tensor& input, double scale,
                                                       int64_t zero_point, int64_t quant_min, int64_t quant_max,
                                                       ScalarType dtype, const Optional<ScalarType>& out_dtype,
                                                       Tensor& out) {
  return quantized::decomposed_dequantize_per_tensor_out_prepare(ctx, input, scale, zero_point, quant_min, quant_max,
                                                                 dtype, out_dtype, out);
}

Error opt_decomposed_dequantize_per_tensor_out(KernelContext& ctx, const Tensor& input, double scale,
                                               int64_t zero_point, int64_t quant_min, int64_t quant_max,
                                               ScalarType dtype, const Optional<ScalarType>& out_dtype, Tensor& out) {
  if (!dq_handles(input, zero_point, dtype, out_dtype, out)) {
    return quantized::decomposed_dequantize_per_tensor_out(ctx, input, scale, zero_point, quant_min, quant_max, dtype,
                                                           out_dtype, out);
  }
  ETB_RETURN_IF_ERROR(resize_to(ctx, out, input.sizes, input.dim));
  const VecOps& v = vec_ops();
  const uint8_t* q = static_cast<const uint8_t*>(input.data);
  float* y = out.data_as<float>();
  const float zp = float(zero_point), s = float(scale);
  const bool u = dtype == ScalarType::Byte;
  for_range(ctx, input.numel(), 16384, 2.0, [&](int64_t b, int64_t e) { v.dequantize_8(q + b, y + b, e - b, zp, s, u); });
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb
