// aten::expand_copy.out: self broadcast to `size` (-1 keeps a dim; new dims
// are prepended). Expanded dims read with stride 0.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error expand_view(KernelContext& ctx, const Tensor& self, Span<const int64_t> size, View* v) {
  int32_t rank = int32_t(size.size());
  if (rank > kMaxTensorRank || rank < self.dim) {
    return ctx.fail(Error::InvalidArgument, "cannot expand a rank-%d tensor to %d dims", self.dim, rank);
  }
  int32_t lead = rank - self.dim;
  v->dim = rank;
  for (int32_t i = 0; i < rank; i++) {
    int64_t want = size[size_t(i)];
    if (i < lead) {
      if (want < 0 || want > INT32_MAX) {
        return ctx.fail(Error::InvalidArgument, "size %lld is invalid for new leading dim %d", static_cast<long long>(want), i);
      }
      v->sizes[i] = int32_t(want);
      v->strides[i] = 0;
      continue;
    }
    int32_t have = self.sizes[i - lead];
    if (want == -1 || want == have) {
      v->sizes[i] = have;
      v->strides[i] = self.strides[i - lead];
    } else if (have == 1 && want >= 0 && want <= INT32_MAX) {
      v->sizes[i] = int32_t(want);
      v->strides[i] = 0;
    } else {
      return ctx.fail(Error::InvalidArgument, "expanded size %lld must match the existing size %d at dim %d",
                      static_cast<long long>(want), have, i);
    }
  }
  if (checked_numel(v->dim, v->sizes) < 0) return ctx.fail(Error::InvalidArgument, "expanded size overflows");
  return Error::Ok;
}

}  // namespace

Error expand_copy_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> size, bool implicit,
                              Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (int32_t(size.size()) != out.dim) {
    return ctx.fail(Error::InvalidArgument, "size has %zu entries but out has rank %d", size.size(), out.dim);
  }
  return Error::Ok;
}

Error expand_copy_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> size, bool implicit, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(expand_view(ctx, self, size, &v));
  return write_view(ctx, self, v, out);
}

}  // namespace portable
}  // namespace etb
