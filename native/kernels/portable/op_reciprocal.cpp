// aten::reciprocal.out: 1 / x; integer and bool inputs compute in float32.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error reciprocal_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) { return unary_float_prepare(ctx, self, out); }

Error reciprocal_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return unary_float_apply(ctx, self, out, [](auto x) { return decltype(x)(1) / x; });
}

}  // namespace portable
}  // namespace etb
