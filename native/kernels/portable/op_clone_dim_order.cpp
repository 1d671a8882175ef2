// dim_order_ops::_clone_dim_order.out: copy self into out's dim order
// (the exporter's replacement for .contiguous() / .clone(memory_format=...)).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/copy_util.h"

namespace etb {
namespace portable {

Error clone_dim_order_out_prepare(KernelContext& ctx, const Tensor& self, bool non_blocking,
                                  const Optional<Span<const int64_t>>& dim_order, Tensor& out) {
  if (self.dtype != out.dtype) {
    return ctx.fail(Error::InvalidArgument, "self is %s but out is %s", scalar_type_name(self.dtype),
                    scalar_type_name(out.dtype));
  }
  return check_dim_order_arg(ctx, self, non_blocking, dim_order, out);
}

Error clone_dim_order_out(KernelContext& ctx, const Tensor& self, bool non_blocking,
                          const Optional<Span<const int64_t>>& dim_order, Tensor& out) {
  (void)non_blocking;
  (void)dim_order;
  return copy_elements(ctx, self, out);
}

}  // namespace portable
}  // namespace etb
