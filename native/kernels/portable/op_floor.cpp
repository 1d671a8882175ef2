// aten::floor.out and aten::round.out: in self's dtype (out must have it);
// integers are copied unchanged, as ATen does; round is half to even
// (nearbyint). Bool is refused as in ATen.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {
namespace {

Error check(KernelContext& ctx, const Tensor& self, const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  if (self.dtype == ScalarType::Bool) return ctx.fail(Error::NotSupported, "unsupported dtype bool");
  return check_out_is(ctx, self.dtype, self.dtype, out.dtype);
}

template <typename F>
Error apply(KernelContext& ctx, const Tensor& self, Tensor& out, F f) {
  ETB_RETURN_IF_ERROR(resize_like(ctx, self, out));
  return dispatch_compute(ctx, compute_type(self.dtype), [&](auto zero) {
    using CT = decltype(zero);
    if constexpr (std::is_floating_point<CT>::value) unary_loop<CT>(self, out, [&](CT x) { return f(x); });
    else unary_loop<CT>(self, out, [](CT x) { return x; });
  });
}

}  // namespace

Error floor_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) { return check(ctx, self, out); }

Error floor_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return apply(ctx, self, out, [](auto x) { return std::floor(x); });
}

Error round_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) { return check(ctx, self, out); }

Error round_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return apply(ctx, self, out, [](auto x) { return std::nearbyint(x); });
}

}  // namespace portable
}  // namespace etb
