// aten::permute_copy.out: out dim i is self dim dims[i].
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error permute_view(KernelContext& ctx, const Tensor& self, Span<const int64_t> dims, View* v) {
  if (int32_t(dims.size()) != self.dim) {
    return ctx.fail(Error::InvalidArgument, "dims has %zu entries for a rank-%d tensor", dims.size(), self.dim);
  }
  uint32_t seen = 0;
  v->dim = self.dim;
  for (int32_t i = 0; i < self.dim; i++) {
    int32_t d;
    ETB_RETURN_IF_ERROR(wrap_dim(ctx, dims[i], self.dim, &d));
    if (seen & (1u << d)) return ctx.fail(Error::InvalidArgument, "dim %d repeats in dims", d);
    seen |= 1u << d;
    v->sizes[i] = self.sizes[d];
    v->strides[i] = self.strides[d];
  }
  return Error::Ok;
}

}  // namespace

Error permute_copy_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> dims, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return permute_view(ctx, self, dims, &v);
}

Error permute_copy_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> dims, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(permute_view(ctx, self, dims, &v));
  return write_view(ctx, self, v, out);
}

}  // namespace portable
}  // namespace etb
