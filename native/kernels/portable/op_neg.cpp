// aten::neg.out: -x. Integers wrap (-INT_MIN == INT_MIN, as in ATen); bool is
// refused, as ATen does ("use logical_not"). A structured ATen op: out has
// self's dtype.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error neg_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  if (self.dtype == ScalarType::Bool) {
    return ctx.fail(Error::NotSupported, "unsupported dtype bool: negation of a bool tensor (use logical_not)");
  }
  return check_out_is(ctx, self.dtype, self.dtype, out.dtype);
}

Error neg_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_like(ctx, self, out));
  return dispatch_compute(ctx, compute_type(self.dtype), [&](auto zero) {
    using CT = decltype(zero);
    if constexpr (std::is_integral<CT>::value && !std::is_same<CT, bool>::value) {
      using U = typename std::make_unsigned<CT>::type;
      unary_loop<CT>(self, out, [](CT x) { return CT(U(0) - U(x)); });
    } else {
      unary_loop<CT>(self, out, [](CT x) { return -x; });
    }
  });
}

}  // namespace portable
}  // namespace etb
