// aten::cos.out: cos(x); integer and bool inputs compute in float32.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error cos_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) { return unary_float_prepare(ctx, self, out); }

Error cos_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return unary_float_apply(ctx, self, out, [](auto x) { return std::cos(x); });
}

}  // namespace portable
}  // namespace etb
