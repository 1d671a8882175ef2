// aten::flip.out: self reversed along each of `dims` (a view with negative
// strides starting at the last element of each flipped dim).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error flip_view(KernelContext& ctx, const Tensor& self, Span<const int64_t> dims, View* v) {
  *v = identity_view(self);
  uint32_t seen = 0;
  for (size_t i = 0; i < dims.size(); i++) {
    int32_t d;
    ETB_RETURN_IF_ERROR(wrap_dim(ctx, dims[i], self.dim, &d));
    if (seen & (1u << d)) return ctx.fail(Error::InvalidArgument, "dim %d appears multiple times in dims", d);
    seen |= 1u << d;
    if (self.dim == 0 || self.sizes[d] == 0) continue;
    v->offset += int64_t(self.sizes[d] - 1) * self.strides[d];
    v->strides[d] = -self.strides[d];
  }
  return Error::Ok;
}

}  // namespace

Error flip_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> dims, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return flip_view(ctx, self, dims, &v);
}

Error flip_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> dims, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(flip_view(ctx, self, dims, &v));
  return write_view(ctx, self, v, out);
}

}  // namespace portable
}  // namespace etb
