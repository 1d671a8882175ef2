// aten::split_with_sizes_copy.out: consecutive pieces of self along `dim`,
// piece i of split_sizes[i] elements, into out[i].
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_split(KernelContext& ctx, const Tensor& self, Span<const int64_t> split_sizes, int64_t dim,
                  const ValueList& out, int32_t* d) {
  size_t n;
  ETB_RETURN_IF_ERROR(check_out_list(ctx, out, self.dtype, &n));
  if (self.dim == 0) return ctx.fail(Error::InvalidArgument, "cannot split a 0-d tensor");
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, self.dim, d));
  if (n != split_sizes.size()) {
    return ctx.fail(Error::InvalidArgument, "%zu split sizes but %zu out tensors", split_sizes.size(), n);
  }
  int64_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (split_sizes[i] < 0) {
      return ctx.fail(Error::InvalidArgument, "split_sizes[%zu] is negative (%lld)", i,
                      static_cast<long long>(split_sizes[i]));
    }
    if (split_sizes[i] > self.sizes[*d] - total) {
      total = -1;  // more than the dim holds
      break;
    }
    total += split_sizes[i];
  }
  if (total != self.sizes[*d]) {
    return ctx.fail(Error::InvalidArgument, "split sizes must sum to %d, the size of dim %d", self.sizes[*d], *d);
  }
  return Error::Ok;
}

}  // namespace

Error split_with_sizes_copy_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> split_sizes,
                                        int64_t dim, const ValueList& out) {
  int32_t d;
  return check_split(ctx, self, split_sizes, dim, out, &d);
}

Error split_with_sizes_copy_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> split_sizes, int64_t dim,
                                const ValueList& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_split(ctx, self, split_sizes, dim, out, &d));
  int64_t start = 0;
  for (uint32_t i = 0; i < out.size; i++) {
    ETB_RETURN_IF_ERROR(write_piece(ctx, self, d, start, split_sizes[i], false, out.items[i]->tensor()));
    start += split_sizes[i];
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
