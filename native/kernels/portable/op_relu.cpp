// aten::relu.out: ATen's clamp_min(self, 0): negatives become 0, NaN and -0
// pass through. Bool is refused as in ATen; out takes any safe cast.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error relu_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  if (self.dtype == ScalarType::Bool) return ctx.fail(Error::NotSupported, "unsupported dtype bool for relu");
  return check_cast_to_out(ctx, self.dtype, self.dtype, out.dtype);
}

Error relu_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_like(ctx, self, out));
  return dispatch_compute(ctx, compute_type(self.dtype), [&](auto zero) {
    using CT = decltype(zero);
    unary_loop<CT>(self, out, [](CT x) { return clamp_low(x, CT(0)); });
  });
}

}  // namespace portable
}  // namespace etb
