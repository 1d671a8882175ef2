// aten::maximum.out: the elementwise maximum of two broadcast tensors in their result type
// (safely cast to out); a NaN on either side wins, as in ATen; bool works (logical or).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error maximum_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  return extremum_prepare(ctx, self, other, out);
}

Error maximum_out(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  return extremum_apply(ctx, self, other, out, true);
}

}  // namespace portable
}  // namespace etb
