// aten::unbind_copy.int_out: out[i] = self.select(dim, i) for every i.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_unbind(KernelContext& ctx, const Tensor& self, int64_t dim, const ValueList& out, int32_t* d) {
  size_t n;
  ETB_RETURN_IF_ERROR(check_out_list(ctx, out, self.dtype, &n));
  if (self.dim == 0) return ctx.fail(Error::InvalidArgument, "cannot unbind a 0-d tensor");
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, self.dim, d));
  if (int64_t(n) != self.sizes[*d]) {
    return ctx.fail(Error::InvalidArgument, "dim %d has size %d but out has %zu tensors", *d, self.sizes[*d], n);
  }
  return Error::Ok;
}

}  // namespace

Error unbind_copy_int_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, const ValueList& out) {
  int32_t d;
  return check_unbind(ctx, self, dim, out, &d);
}

Error unbind_copy_int_out(KernelContext& ctx, const Tensor& self, int64_t dim, const ValueList& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_unbind(ctx, self, dim, out, &d));
  for (uint32_t i = 0; i < out.size; i++) {
    ETB_RETURN_IF_ERROR(write_piece(ctx, self, d, i, 1, true, out.items[i]->tensor()));
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
