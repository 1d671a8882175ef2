// cortex_m::quantize_per_tensor.out: float32 -> int8/int16 with one scale and
// zero point, computed in float32 with round-half-to-even.
#include <math.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/quantized/util/check_util.h"

namespace etb {
namespace quantized {
namespace {

template <typename Q>
void quantize(const float* in, Q* out, int64_t n, float inv_scale, int32_t zero_point, int32_t qmin, int32_t qmax) {
  for (int64_t i = 0; i < n; i++) {
    float r = nearbyintf(inv_scale * in[i]);
    // Out-of-range (and NaN) values saturate instead of hitting an undefined cast.
    int64_t q = r >= 2147483647.0f ? 2147483647 : r >= -2147483648.0f ? int64_t(r) : -2147483647 - 1;
    q += zero_point;
    out[i] = Q(q < qmin ? qmin : q > qmax ? qmax : q);
  }
}

}  // namespace

Error quantize_per_tensor_out_prepare(KernelContext& ctx, const Tensor& input, double scale, int64_t zero_point,
                                      int64_t quant_min, int64_t quant_max, ScalarType dtype, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_dtype(ctx, input, ScalarType::Float, "input"));
  if (dtype != ScalarType::Char && dtype != ScalarType::Short) {
    return ctx.fail(Error::NotSupported, "dtype must be int8 or int16, got %s", scalar_type_name(dtype));
  }
  ETB_RETURN_IF_ERROR(check_dtype(ctx, out, dtype, "out"));
  const int64_t lo = dtype == ScalarType::Char ? -128 : -32768, hi = dtype == ScalarType::Char ? 127 : 32767;
  ETB_RETURN_IF_ERROR(check_range(ctx, quant_min, lo, hi, "quant_min"));
  ETB_RETURN_IF_ERROR(check_range(ctx, quant_max, quant_min, hi, "quant_max"));
  ETB_RETURN_IF_ERROR(check_range(ctx, zero_point, -2147483647 - 1, 2147483647, "zero_point"));
  if (!(float(scale) > 0.0f) || isinf(float(scale))) {
    return ctx.fail(Error::InvalidArgument, "scale %g must be a positive, finite float32", scale);
  }
  return check_same_layout(ctx, input, out, "input", "out");
}

Error quantize_per_tensor_out(KernelContext& ctx, const Tensor& input, double scale, int64_t zero_point,
                              int64_t quant_min, int64_t quant_max, ScalarType dtype, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize(out, Span<const int32_t>(input.sizes, size_t(input.dim)), ctx.diag(), "out"));
  const float inv = 1.0f / float(scale);
  const int64_t n = input.numel();
  const float* in = input.data_as<const float>();
  const int32_t zp = int32_t(zero_point), qmin = int32_t(quant_min), qmax = int32_t(quant_max);
  if (out.dtype == ScalarType::Char) quantize(in, out.data_as<int8_t>(), n, inv, zp, qmin, qmax);
  else quantize(in, out.data_as<int16_t>(), n, inv, zp, qmin, qmax);
  return Error::Ok;
}

}  // namespace quantized
}  // namespace etb
