// aten::argmax.out: the int64 index of the first largest element along dim (None: of
// the flattened self); NaN counts as the extreme. See util/reduce_util.h.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/reduce_util.h"

namespace etb {
namespace portable {

Error argmax_out_prepare(KernelContext& ctx, const Tensor& self, const Optional<int64_t>& dim, bool keepdim, Tensor& out) {
  return arg_extreme_check(ctx, self, dim, keepdim, out);
}

Error argmax_out(KernelContext& ctx, const Tensor& self, const Optional<int64_t>& dim, bool keepdim, Tensor& out) {
  return arg_extreme_out(ctx, self, dim, keepdim, out, true);
}

}  // namespace portable
}  // namespace etb
