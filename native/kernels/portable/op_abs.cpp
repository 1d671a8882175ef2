// aten::abs.out: |x| in self's dtype (out must have it: a structured ATen
// op); integers wrap (abs(INT_MIN) == INT_MIN), -0 becomes 0, NaN stays.
// Bool is refused as in ATen.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error abs_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  if (self.dtype == ScalarType::Bool) return ctx.fail(Error::NotSupported, "unsupported dtype bool for abs");
  return check_out_is(ctx, self.dtype, self.dtype, out.dtype);
}

Error abs_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_like(ctx, self, out));
  return dispatch_compute(ctx, compute_type(self.dtype), [&](auto zero) {
    using CT = decltype(zero);
    if constexpr (std::is_floating_point<CT>::value) {
      unary_loop<CT>(self, out, [](CT x) { return std::fabs(x); });
    } else if constexpr (std::is_signed<CT>::value) {
      using U = typename std::make_unsigned<CT>::type;
      unary_loop<CT>(self, out, [](CT x) { return x < 0 ? CT(U(0) - U(x)) : x; });
    } else {
      unary_loop<CT>(self, out, [](CT x) { return x; });
    }
  });
}

}  // namespace portable
}  // namespace etb
