// aten::amin.out: the smallest element over dim ([] = every dim); see
// extreme_out in util/reduce_util.h (NaN propagates, integers exact).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/reduce_util.h"

namespace etb {
namespace portable {

Error amin_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> dim, bool keepdim, Tensor& out) {
  return extreme_check(ctx, self, dim, keepdim, out);
}

Error amin_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> dim, bool keepdim, Tensor& out) {
  return extreme_out(ctx, self, dim, keepdim, out, false);
}

}  // namespace portable
}  // namespace etb
