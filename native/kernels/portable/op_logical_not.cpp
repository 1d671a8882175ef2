// aten::logical_not.out: 1 where self is zero, 0 elsewhere (NaN counts as
// nonzero), for any input dtype, cast to any out dtype as ATen allows.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error logical_not_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  return check_elementwise(ctx, out, "out");
}

Error logical_not_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_like(ctx, self, out));
  if (is_floating(self.dtype)) {
    unary_loop<double>(self, out, [](double x) { return x == 0 ? 1.0 : 0.0; });
  } else {
    unary_loop<int64_t>(self, out, [](int64_t x) { return int64_t(x == 0 ? 1 : 0); });
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
