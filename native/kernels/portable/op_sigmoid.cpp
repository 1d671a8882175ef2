// aten::sigmoid.out: 1 / (1 + e^-x); integer and bool inputs compute in float32.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error sigmoid_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) { return unary_float_prepare(ctx, self, out); }

Error sigmoid_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return unary_float_apply(ctx, self, out, [](auto x) { return decltype(x)(1) / (decltype(x)(1) + std::exp(-x)); });
}

}  // namespace portable
}  // namespace etb
