// aten::rsqrt.out: 1 / std::sqrt(x), two roundings as ATen computes it; integer and bool inputs compute in float32.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error rsqrt_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) { return unary_float_prepare(ctx, self, out); }

Error rsqrt_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return unary_float_apply(ctx, self, out, [](auto x) { return decltype(x)(1) / std::sqrt(x); });
}

}  // namespace portable
}  // namespace etb
