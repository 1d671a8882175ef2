// aten::unsqueeze_copy.out: self with a size-1 dim inserted at `dim`.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error unsqueeze_view(KernelContext& ctx, const Tensor& self, int64_t dim, View* v) {
  if (self.dim >= kMaxTensorRank) return ctx.fail(Error::InvalidArgument, "rank %d is too large to unsqueeze", self.dim);
  int64_t r = self.dim + 1;
  if (dim < -r || dim >= r) {
    return ctx.fail(Error::InvalidArgument, "dim %lld is out of range [%lld, %lld]", static_cast<long long>(dim),
                    static_cast<long long>(-r), static_cast<long long>(r - 1));
  }
  int32_t at = int32_t(dim < 0 ? dim + r : dim);
  v->dim = int32_t(r);
  for (int32_t i = 0, j = 0; i < v->dim; i++) {
    if (i == at) {
      v->sizes[i] = 1;
      v->strides[i] = 0;
    } else {
      v->sizes[i] = self.sizes[j];
      v->strides[i] = self.strides[j];
      j++;
    }
  }
  return Error::Ok;
}

}  // namespace

Error unsqueeze_copy_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return unsqueeze_view(ctx, self, dim, &v);
}

Error unsqueeze_copy_out(KernelContext& ctx, const Tensor& self, int64_t dim, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(unsqueeze_view(ctx, self, dim, &v));
  return write_view(ctx, self, v, out);
}

}  // namespace portable
}  // namespace etb
