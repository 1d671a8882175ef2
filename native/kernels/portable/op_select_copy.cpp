// aten::select_copy.int_out: self[..., index, ...] along `dim` (the dim is
// removed; a negative index counts from the end).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error select_view(KernelContext& ctx, const Tensor& self, int64_t dim, int64_t index, View* v) {
  if (self.dim == 0) return ctx.fail(Error::InvalidArgument, "select() cannot be applied to a 0-d tensor");
  int32_t d;
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, self.dim, &d));
  int64_t size = self.sizes[d];
  if (index < -size || index >= size) {
    return ctx.fail(Error::InvalidArgument, "index %lld is out of range for dim %d of size %lld",
                    static_cast<long long>(index), d, static_cast<long long>(size));
  }
  if (index < 0) index += size;
  v->dim = 0;
  for (int32_t i = 0; i < self.dim; i++) {
    if (i == d) continue;
    v->sizes[v->dim] = self.sizes[i];
    v->strides[v->dim] = self.strides[i];
    v->dim++;
  }
  v->offset = index * self.strides[d];
  return Error::Ok;
}

}  // namespace

Error select_copy_int_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, int64_t index, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return select_view(ctx, self, dim, index, &v);
}

Error select_copy_int_out(KernelContext& ctx, const Tensor& self, int64_t dim, int64_t index, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(select_view(ctx, self, dim, index, &v));
  return write_view(ctx, self, v, out);
}

}  // namespace portable
}  // namespace etb
