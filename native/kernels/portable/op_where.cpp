// aten::where.self_out: out = condition ? self : other with all three
// broadcast; condition must be bool (ATen no longer takes uint8); self and
// other promote to their result type, which casts safely to out.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error where_self_out_prepare(KernelContext& ctx, const Tensor& condition, const Tensor& self, const Tensor& other,
                             Tensor& out) {
  if (condition.dtype != ScalarType::Bool) {
    return ctx.fail(Error::NotSupported, "unsupported condition dtype %s (must be bool)", scalar_type_name(condition.dtype));
  }
  ScalarType common;
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(other.dtype) ||
      !binary_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s)", scalar_type_name(self.dtype),
                    scalar_type_name(other.dtype));
  }
  return check_cast_to_out(ctx, self.dtype, common, out.dtype);
}

Error where_self_out(KernelContext& ctx, const Tensor& condition, const Tensor& self, const Tensor& other, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast3(ctx, condition, &self, &other, out));
  ScalarType common;
  binary_result_type(self, other, &common);
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    ternary_loop<CT>(condition, self, other, out, [common](CT c, CT x, CT y) {
      return c != CT(0) ? round_to<CT>(common, x) : round_to<CT>(common, y);
    });
  });
}

}  // namespace portable
}  // namespace etb
