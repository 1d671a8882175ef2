// aten::hardswish.out: x · min(max(x + 3, 0), 6) / 6. Float types only
// (ATen dispatches no others); out has self's dtype; half types compute in float.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error hardswish_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) { return float_activation_prepare(ctx, self, out); }

Error hardswish_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return unary_float_apply(ctx, self, out, [](auto x) {
    using CT = decltype(x);
    return x * clamp_high(clamp_low(x + CT(3), CT(0)), CT(6)) / CT(6);
  });
}

}  // namespace portable
}  // namespace etb
