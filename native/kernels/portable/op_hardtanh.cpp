// aten::hardtanh.out: clamp(self, min_val, max_val) with ATen's legacy rule
// that the bounds never promote: integer inputs take them as integers
// (uint8 refuses negative bounds), float inputs as the input's type. Bool
// is refused. Out has self's dtype.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {

Error hardtanh_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& min_val, const Scalar& max_val,
                           Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  if (self.dtype == ScalarType::Bool) return ctx.fail(Error::NotSupported, "unsupported dtype bool for hardtanh");
  if (self.dtype == ScalarType::Byte && (min_val.to_int() < 0 || max_val.to_int() < 0)) {
    return ctx.fail(Error::InvalidArgument, "uint8 input with negative limits");
  }
  // The bounds convert to self's dtype with c10's overflow check (integers take them truncated).
  Scalar lo = min_val, hi = max_val;
  if (is_integral(self.dtype, false)) {
    lo.kind = hi.kind = Scalar::Kind::Int;
    lo.i = min_val.to_int();
    hi.i = max_val.to_int();
  }
  if (!scalar_fits(self.dtype, lo) || !scalar_fits(self.dtype, hi)) {
    return ctx.fail(Error::InvalidArgument, "a bound cannot be converted to %s without overflow", scalar_type_name(self.dtype));
  }
  return check_out_is(ctx, self.dtype, self.dtype, out.dtype);
}

Error hardtanh_out(KernelContext& ctx, const Tensor& self, const Scalar& min_val, const Scalar& max_val, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_like(ctx, self, out));
  ScalarType common = self.dtype;
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    CT lo, hi;
    if constexpr (std::is_floating_point<CT>::value) {
      lo = round_to<CT>(common, CT(min_val.to_double()));
      hi = round_to<CT>(common, CT(max_val.to_double()));
    } else {
      lo = CT(min_val.to_int());
      hi = CT(max_val.to_int());
    }
    unary_loop<CT>(self, out, [=](CT x) { return clamp_high(clamp_low(x, lo), hi); });
  });
}

}  // namespace portable
}  // namespace etb
