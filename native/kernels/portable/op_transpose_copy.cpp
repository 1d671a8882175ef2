// aten::transpose_copy.int_out (dims dim0 and dim1 swapped) and
// aten::t_copy.out (the same for rank <= 2).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error transpose_view(KernelContext& ctx, const Tensor& self, int64_t dim0, int64_t dim1, View* v) {
  int32_t a, b;
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim0, self.dim, &a));
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim1, self.dim, &b));
  *v = identity_view(self);
  if (self.dim == 0) return Error::Ok;
  v->sizes[a] = self.sizes[b];
  v->strides[a] = self.strides[b];
  v->sizes[b] = self.sizes[a];
  v->strides[b] = self.strides[a];
  return Error::Ok;
}

Error check_t(KernelContext& ctx, const Tensor& self) {
  if (self.dim > 2) return ctx.fail(Error::InvalidArgument, "t() expects a tensor of rank <= 2, got rank %d", self.dim);
  return Error::Ok;
}

}  // namespace

Error transpose_copy_int_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim0, int64_t dim1, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return transpose_view(ctx, self, dim0, dim1, &v);
}

Error transpose_copy_int_out(KernelContext& ctx, const Tensor& self, int64_t dim0, int64_t dim1, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(transpose_view(ctx, self, dim0, dim1, &v));
  return write_view(ctx, self, v, out);
}

Error t_copy_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return check_t(ctx, self);
}

Error t_copy_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(check_t(ctx, self));
  ETB_RETURN_IF_ERROR(transpose_view(ctx, self, 0, self.dim < 2 ? 0 : 1, &v));
  return write_view(ctx, self, v, out);
}

}  // namespace portable
}  // namespace etb
