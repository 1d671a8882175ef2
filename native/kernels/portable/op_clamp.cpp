// aten::clamp.out (Scalar bounds) and aten::clamp.Tensor_out (broadcast
// tensor bounds). Scalar bounds take part in type promotion and out must
// have the result dtype (a structured ATen op); tensor bounds promote with
// self and the result casts safely to out. Semantics as ATen's CPU kernel:
// min(max(x, lo), hi), so lo > hi gives hi; a NaN x stays NaN; a NaN
// tensor bound gives NaN.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {

Error clamp_out_prepare(KernelContext& ctx, const Tensor& self, const Optional<Scalar>& min, const Optional<Scalar>& max,
                        Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  if (!min.has_value && !max.has_value) return ctx.fail(Error::InvalidArgument, "at least one of min and max must be given");
  ScalarType common;
  scalars_result_type(self, min.has_value ? &min.value : nullptr, max.has_value ? &max.value : nullptr, &common);
  if (common == ScalarType::Bool) return ctx.fail(Error::NotSupported, "unsupported dtype bool");
  if ((min.has_value && !scalar_fits(common, min.value)) || (max.has_value && !scalar_fits(common, max.value))) {
    return ctx.fail(Error::InvalidArgument, "a bound cannot be converted to %s without overflow", scalar_type_name(common));
  }
  return check_out_is(ctx, self.dtype, common, out.dtype);
}

Error clamp_out(KernelContext& ctx, const Tensor& self, const Optional<Scalar>& min, const Optional<Scalar>& max,
                Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_like(ctx, self, out));
  ScalarType common = out.dtype;
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    const bool has_lo = min.has_value, has_hi = max.has_value;
    const CT lo = has_lo ? round_to<CT>(common, scalar_as<CT>(min.value)) : CT(0);
    const CT hi = has_hi ? round_to<CT>(common, scalar_as<CT>(max.value)) : CT(0);
    unary_loop<CT>(self, out, [=](CT x) {
      if (has_lo) x = clamp_low(x, lo);
      if (has_hi) x = clamp_high(x, hi);
      return x;
    });
  });
}

Error clamp_tensor_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor* min, const Tensor* max,
                               Tensor& out) {
  if (min == nullptr && max == nullptr) {
    return ctx.fail(Error::InvalidArgument, "at least one of min and max must be given");
  }
  ScalarType common;
  // One bound runs ATen's maximum/minimum, which takes bool; two run clamp, which does not.
  if (!tensors_result_type(&self, min, max, &common) || !is_elementwise_dtype(common) ||
      (common == ScalarType::Bool && min != nullptr && max != nullptr)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s, %s)", scalar_type_name(self.dtype),
                    min ? scalar_type_name(min->dtype) : "None", max ? scalar_type_name(max->dtype) : "None");
  }
  return check_cast_to_out(ctx, self.dtype, common, out.dtype);
}

Error clamp_tensor_out(KernelContext& ctx, const Tensor& self, const Tensor* min, const Tensor* max, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast3(ctx, self, min, max, out));
  ScalarType common;
  tensors_result_type(&self, min, max, &common);
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    // Bounds are read in CT after a round trip through the common dtype.
    auto r = [common](CT v) { return round_to<CT>(common, v); };
    if (min != nullptr && max != nullptr) {
      ternary_loop<CT>(self, *min, *max, out, [&](CT x, CT lo, CT hi) {
        lo = r(lo);
        hi = r(hi);
        if (lo != lo) return lo;
        if (hi != hi) return hi;
        return clamp_high(clamp_low(r(x), lo), hi);
      });
    } else {
      const Tensor& bound = min != nullptr ? *min : *max;
      const bool is_min = min != nullptr;
      // ATen's maximum / minimum: NaN from either side wins.
      binary_loop<CT>(self, bound, out, [&](CT x, CT b) {
        x = r(x);
        b = r(b);
        if (x != x) return x;
        if (b != b) return b;
        return is_min ? clamp_low(x, b) : clamp_high(x, b);
      });
    }
  });
}

}  // namespace portable
}  // namespace etb
