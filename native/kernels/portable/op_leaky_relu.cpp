// aten::leaky_relu.out: x > 0 ? x : x · negative_slope. Float types only
// (ATen dispatches no others); out has self's dtype; the slope is taken in
// the compute type (float for the half types).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error leaky_relu_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& negative_slope, Tensor& out) {
  return float_activation_prepare(ctx, self, out);
}

Error leaky_relu_out(KernelContext& ctx, const Tensor& self, const Scalar& negative_slope, Tensor& out) {
  const double slope = negative_slope.to_double();
  return unary_float_apply(ctx, self, out, [slope](auto x) {
    using CT = decltype(x);
    return x > CT(0) ? x : x * CT(slope);
  });
}

}  // namespace portable
}  // namespace etb
