// aten::silu.out: x / (1 + e^-x), in that order as ATen computes it. Float types only
// (ATen dispatches no others); out has self's dtype; half types compute in float.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error silu_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) { return float_activation_prepare(ctx, self, out); }

Error silu_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return unary_float_apply(ctx, self, out, [](auto x) {
    using CT = decltype(x);
    return x / (CT(1) + std::exp(-x));
  });
}

}  // namespace portable
}  // namespace etb
