// aten::narrow_copy.out: `length` elements from `start` along `dim` (start
// may be negative; unlike slice, nothing is clamped).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {

Error narrow_copy_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, int64_t start, int64_t length,
                              Tensor& out) {
  return check_same_dtype(ctx, self, out, "self");
}

Error narrow_copy_out(KernelContext& ctx, const Tensor& self, int64_t dim, int64_t start, int64_t length, Tensor& out) {
  if (self.dim == 0) return ctx.fail(Error::InvalidArgument, "cannot narrow a 0-d tensor");
  int32_t d;
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, self.dim, &d));
  int64_t size = self.sizes[d];
  if (start < -size || start > size) {
    return ctx.fail(Error::InvalidArgument, "start %lld is out of range for dim %d of size %lld",
                    static_cast<long long>(start), d, static_cast<long long>(size));
  }
  if (start < 0) start += size;
  if (length < 0 || length > size - start) {
    return ctx.fail(Error::InvalidArgument, "start %lld + length %lld exceeds dim %d of size %lld",
                    static_cast<long long>(start), static_cast<long long>(length), d, static_cast<long long>(size));
  }
  View v = identity_view(self);
  v.sizes[d] = int32_t(length);
  v.offset = start * self.strides[d];
  return write_view(ctx, self, v, out);
}

}  // namespace portable
}  // namespace etb
