// dim_order_ops::_to_dim_order_copy.out: copy self into out's dim order and
// dtype (the exporter's replacement for .to(dtype / memory_format)).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/copy_util.h"

namespace etb {
namespace portable {

Error to_dim_order_copy_out_prepare(KernelContext& ctx, const Tensor& self, bool non_blocking,
                                    const Optional<Span<const int64_t>>& dim_order, Tensor& out) {
  return check_dim_order_arg(ctx, self, non_blocking, dim_order, out);
}

Error to_dim_order_copy_out(KernelContext& ctx, const Tensor& self, bool non_blocking,
                            const Optional<Span<const int64_t>>& dim_order, Tensor& out) {
  (void)non_blocking;
  (void)dim_order;
  return copy_elements(ctx, self, out);
}

}  // namespace portable
}  // namespace etb
