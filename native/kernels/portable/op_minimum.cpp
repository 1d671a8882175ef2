// aten::minimum.out: the elementwise minimum of two broadcast tensors in their result type
// (safely cast to out); a NaN on either side wins, as in ATen; bool works (logical and).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error minimum_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  return extremum_prepare(ctx, self, other, out);
}

Error minimum_out(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  return extremum_apply(ctx, self, other, out, false);
}

}  // namespace portable
}  // namespace etb
