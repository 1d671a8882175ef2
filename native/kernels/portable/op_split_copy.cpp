// aten::split_copy.Tensor_out: pieces of split_size elements along `dim`
// (the last one may be shorter) into out[0..n).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_split(KernelContext& ctx, const Tensor& self, int64_t split_size, int64_t dim, const ValueList& out,
                  int32_t* d) {
  size_t n;
  ETB_RETURN_IF_ERROR(check_out_list(ctx, out, self.dtype, &n));
  if (self.dim == 0) return ctx.fail(Error::InvalidArgument, "cannot split a 0-d tensor");
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, self.dim, d));
  int64_t size = self.sizes[*d];
  if (split_size < 0 || (split_size == 0 && size != 0)) {
    return ctx.fail(Error::InvalidArgument, "split_size %lld cannot split dim %d of size %lld",
                    static_cast<long long>(split_size), *d, static_cast<long long>(size));
  }
  int64_t pieces = size == 0 ? 1 : (size - 1) / split_size + 1;
  if (int64_t(n) != pieces) {
    return ctx.fail(Error::InvalidArgument, "splitting dim %d of size %lld by %lld gives %lld pieces, out has %zu", *d,
                    static_cast<long long>(size), static_cast<long long>(split_size), static_cast<long long>(pieces), n);
  }
  return Error::Ok;
}

}  // namespace

Error split_copy_tensor_out_prepare(KernelContext& ctx, const Tensor& self, int64_t split_size, int64_t dim,
                                    const ValueList& out) {
  int32_t d;
  return check_split(ctx, self, split_size, dim, out, &d);
}

Error split_copy_tensor_out(KernelContext& ctx, const Tensor& self, int64_t split_size, int64_t dim,
                            const ValueList& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_split(ctx, self, split_size, dim, out, &d));
  int64_t size = self.sizes[d];
  for (uint32_t i = 0; i < out.size; i++) {
    int64_t start = int64_t(i) * split_size;
    int64_t length = size - start < split_size ? size - start : split_size;
    ETB_RETURN_IF_ERROR(write_piece(ctx, self, d, start, length, false, out.items[i]->tensor()));
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
