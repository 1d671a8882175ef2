// aten::elu.out: x > 0 ? x · scale : expm1(x · input_scale) · (alpha · scale),
// as ATen's kernel groups it (alpha · scale is one coefficient). Float types
// only; out has self's dtype; half types compute in float.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error elu_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& alpha, const Scalar& scale,
                      const Scalar& input_scale, Tensor& out) {
  return float_activation_prepare(ctx, self, out);
}

Error elu_out(KernelContext& ctx, const Tensor& self, const Scalar& alpha, const Scalar& scale,
              const Scalar& input_scale, Tensor& out) {
  const double a = alpha.to_double(), s = scale.to_double(), in = input_scale.to_double();
  return unary_float_apply(ctx, self, out, [=](auto x) {
    using CT = decltype(x);
    // The coefficients in the compute type, alpha · scale rounded there, as ATen prepares them.
    return x <= CT(0) ? std::expm1(x * CT(in)) * (CT(a) * CT(s)) : x * CT(s);
  });
}

}  // namespace portable
}  // namespace etb
