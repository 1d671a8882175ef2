// quantized_decomposed::quantize_per_tensor.out and dequantize_per_tensor.out
// with PyTorch's decomposed semantics (torch.ao.quantization.fx._decomposed):
//   q = clamp(round(x * float32(1 / scale)) + zero_point, quant_min, quant_max)
// in float32 with round half to even (float16/bfloat16 inputs widen first),
// and x = (float(q) - zero_point) * scale in the out dtype. Any dim order.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"
#include "kernels/quantized/util/check_util.h"

namespace etb {
namespace quantized {
namespace {

using portable::dispatch_compute;
using portable::round_to;
using portable::unary_loop;

bool quant_limits(ScalarType t, int64_t* lo, int64_t* hi) {
  switch (t) {
    case ScalarType::Byte: *lo = 0; *hi = 255; return true;
    case ScalarType::Char: *lo = -128; *hi = 127; return true;
    case ScalarType::Short: *lo = -32768; *hi = 32767; return true;
    case ScalarType::Int: *lo = -2147483647 - 1; *hi = 2147483647; return true;
    default: return false;
  }
}

Error check_quant_args(KernelContext& ctx, int64_t quant_min, int64_t quant_max, ScalarType dtype) {
  int64_t lo, hi;
  if (!quant_limits(dtype, &lo, &hi)) {
    return ctx.fail(Error::NotSupported, "unsupported quantized dtype %s", scalar_type_name(dtype));
  }
  ETB_RETURN_IF_ERROR(check_range(ctx, quant_min, lo, hi, "quant_min"));
  return check_range(ctx, quant_max, quant_min, hi, "quant_max");
}

}  // namespace

Error decomposed_quantize_per_tensor_out_prepare(KernelContext& ctx, const Tensor& input, double scale,
                                                 int64_t zero_point, int64_t quant_min, int64_t quant_max,
                                                 ScalarType dtype, Tensor& out) {
  if (input.dtype != ScalarType::Float && input.dtype != ScalarType::Half && input.dtype != ScalarType::BFloat16) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes: input %s (float32, float16 or bfloat16) -> %s",
                    scalar_type_name(input.dtype), scalar_type_name(out.dtype));
  }
  ETB_RETURN_IF_ERROR(check_quant_args(ctx, quant_min, quant_max, dtype));
  if (out.dtype != dtype) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes: out %s for dtype %s", scalar_type_name(out.dtype),
                    scalar_type_name(dtype));
  }
  return check_range(ctx, zero_point, -2147483647 - 1, 2147483647, "zero_point");
}

Error decomposed_quantize_per_tensor_out(KernelContext& ctx, const Tensor& input, double scale, int64_t zero_point,
                                         int64_t quant_min, int64_t quant_max, ScalarType dtype, Tensor& out) {
  ETB_RETURN_IF_ERROR(portable::resize_like(ctx, input, out));
  const float inv = float(1.0 / scale);  // Python's 1.0 / scale, then the float32 multiply
  const float zp = float(zero_point), lo = float(quant_min), hi = float(quant_max);
  unary_loop<float>(input, out, [=](float x) {
    float q = nearbyintf(x * inv) + zp;
    return q != q ? q : q < lo ? lo : q > hi ? hi : q;
  });
  return Error::Ok;
}

Error decomposed_dequantize_per_tensor_out_prepare(KernelContext& ctx, const Tensor& input, double scale,
                                                   int64_t zero_point, int64_t quant_min, int64_t quant_max,
                                                   ScalarType dtype, const Optional<ScalarType>& out_dtype,
                                                   Tensor& out) {
  ETB_RETURN_IF_ERROR(check_quant_args(ctx, quant_min, quant_max, dtype));
  if (input.dtype != dtype) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes: input %s for dtype %s", scalar_type_name(input.dtype),
                    scalar_type_name(dtype));
  }
  ScalarType want = out_dtype.has_value ? out_dtype.value : ScalarType::Float;
  if (!is_floating(want) || out.dtype != want) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes: %s -> out %s (out_dtype %s)", scalar_type_name(input.dtype),
                    scalar_type_name(out.dtype), scalar_type_name(want));
  }
  return Error::Ok;
}

Error decomposed_dequantize_per_tensor_out(KernelContext& ctx, const Tensor& input, double scale, int64_t zero_point,
                                           int64_t quant_min, int64_t quant_max, ScalarType dtype,
                                           const Optional<ScalarType>& out_dtype, Tensor& out) {
  ETB_RETURN_IF_ERROR(portable::resize_like(ctx, input, out));
  const ScalarType t = out.dtype;
  return dispatch_compute(ctx, portable::compute_type(t), [&](auto zero) {
    using CT = decltype(zero);
    if constexpr (std::is_floating_point<CT>::value) {
      // (q.to(t) - zero_point) rounds in t; a half-type tensor times a Python float uses the float unrounded.
      const CT zp = CT(zero_point);
      const CT s = CT(scale);
      const CT sr = round_to<CT>(t, s);
      const bool half = t == ScalarType::Half || t == ScalarType::BFloat16;
      unary_loop<CT>(input, out, [=](CT q) {
        CT d = round_to<CT>(t, round_to<CT>(t, q) - zp);
        return round_to<CT>(t, d * (half ? s : sr));
      });
    }
  });
}

}  // namespace quantized
}  // namespace etb

// The .Tensor_out overloads take scale and zero point as one-element tensors (PyTorch's decomposed
// op reads them with .item()); everything else is the Scalar form.
namespace etb {
namespace quantized {
namespace {

Error check_qparams(KernelContext& ctx, const Tensor& scale, const Tensor& zero_point) {
  if ((scale.dtype != ScalarType::Float && scale.dtype != ScalarType::Double) || scale.numel() != 1) {
    return ctx.fail(Error::NotSupported, "scale must be one float32 or float64 element, got %s with %lld",
                    scalar_type_name(scale.dtype), (long long)scale.numel());
  }
  if ((zero_point.dtype != ScalarType::Int && zero_point.dtype != ScalarType::Long) || zero_point.numel() != 1) {
    return ctx.fail(Error::NotSupported, "zero_point must be one int32 or int64 element, got %s with %lld",
                    scalar_type_name(zero_point.dtype), (long long)zero_point.numel());
  }
  return Error::Ok;
}

double scale_of(const Tensor& t) { return portable::load_as<double>(t.data, t.dtype, 0); }
int64_t zero_point_of(const Tensor& t) { return portable::load_as<int64_t>(t.data, t.dtype, 0); }

}  // namespace

Error decomposed_quantize_per_tensor_tensor_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& scale,
                                                        const Tensor& zero_point, int64_t quant_min, int64_t quant_max,
                                                        ScalarType dtype, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_qparams(ctx, scale, zero_point));
  return decomposed_quantize_per_tensor_out_prepare(ctx, input, 1.0, 0, quant_min, quant_max, dtype, out);
}

Error decomposed_quantize_per_tensor_tensor_out(KernelContext& ctx, const Tensor& input, const Tensor& scale,
                                                const Tensor& zero_point, int64_t quant_min, int64_t quant_max,
                                                ScalarType dtype, Tensor& out) {
  const int64_t zp = zero_point_of(zero_point);
  ETB_RETURN_IF_ERROR(check_range(ctx, zp, -2147483647 - 1, 2147483647, "zero_point"));
  return decomposed_quantize_per_tensor_out(ctx, input, scale_of(scale), zp, quant_min, quant_max, dtype, out);
}

Error decomposed_dequantize_per_tensor_tensor_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& scale,
                                                          const Tensor& zero_point, int64_t quant_min,
                                                          int64_t quant_max, ScalarType dtype,
                                                          const Optional<ScalarType>& out_dtype, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_qparams(ctx, scale, zero_point));
  return decomposed_dequantize_per_tensor_out_prepare(ctx, input, 1.0, 0, quant_min, quant_max, dtype, out_dtype, out);
}

Error decomposed_dequantize_per_tensor_tensor_out(KernelContext& ctx, const Tensor& input, const Tensor& scale,
                                                  const Tensor& zero_point, int64_t quant_min, int64_t quant_max,
                                                  ScalarType dtype, const Optional<ScalarType>& out_dtype, Tensor& out) {
  return decomposed_dequantize_per_tensor_out(ctx, input, scale_of(scale), zero_point_of(zero_point), quant_min,
                                              quant_max, dtype, out_dtype, out);
}

}  // namespace quantized
}  // namespace etb
