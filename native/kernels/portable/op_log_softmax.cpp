// aten::_log_softmax.out along dim, in double (see util/softmax_util.h).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/softmax_util.h"

namespace etb {
namespace portable {

Error log_softmax_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, Tensor& out) {
  return check_softmax(ctx, self, dim, half_to_float, out);
}

Error log_softmax_out(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, Tensor& out) {
  return softmax_common(ctx, self, dim, half_to_float, out, true);
}

}  // namespace portable
}  // namespace etb
