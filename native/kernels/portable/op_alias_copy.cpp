// aten::alias_copy.out: a copy of self (the exporter's form of an alias).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {

Error alias_copy_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return check_same_dtype(ctx, self, out, "self");
}

Error alias_copy_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return write_view(ctx, self, identity_view(self), out);
}

}  // namespace portable
}  // namespace etb
