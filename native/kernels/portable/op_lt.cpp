// aten::lt.Tensor_out and aten::lt.Scalar_out (util/compare_util.h).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/compare_util.h"

namespace etb {
namespace portable {

Error lt_tensor_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  return compare_tensor_prepare(ctx, self, other, out);
}

Error lt_tensor_out(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  return compare_tensor(ctx, self, other, out, Cmp::Lt);
}

Error lt_scalar_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other, Tensor& out) {
  return compare_scalar_prepare(ctx, self, other, out);
}

Error lt_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& other, Tensor& out) {
  return compare_scalar(ctx, self, other, out, Cmp::Lt);
}

}  // namespace portable
}  // namespace etb
