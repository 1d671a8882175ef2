// aten::scatter.src_out / scatter.value_out: out = self, then
// out[i.. with index[i..] in place of dim] = src[i..] (or value) for every
// position of index (int64, self's rank, no larger than src anywhere and
// than self outside `dim`). Duplicate targets take the last write.
#include <string.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/index_util.h"

namespace etb {
namespace portable {
namespace {

Error copy_self(KernelContext& ctx, const Tensor& self, Tensor& out) {
  if (out.data == self.data) {
    ETB_RETURN_IF_ERROR(resize_out(ctx, out, self.sizes, self.dim));
    if (!out.same_dim_order(self)) return ctx.fail(Error::InvalidArgument, "out shares self's memory in another dim order");
    return Error::Ok;
  }
  return write_view(ctx, self, identity_view(self), out);
}

}  // namespace

Error scatter_src_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index,
                              const Tensor& src, Tensor& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, src, out, "src"));
  return check_scatter_index(ctx, self, dim, index, &src, &d);
}

Error scatter_src_out(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                      Tensor& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, src, out, "src"));
  ETB_RETURN_IF_ERROR(check_scatter_index(ctx, self, dim, index, &src, &d));
  ETB_RETURN_IF_ERROR(copy_self(ctx, self, out));
  const size_t esize = element_size(out.dtype);
  const uint8_t* s = static_cast<const uint8_t*>(src.data);
  uint8_t* o = static_cast<uint8_t*>(out.data);
  // Offsets address self's layout; out has self's sizes but maybe not its dim order.
  return for_each_scatter_index(ctx, out, d, index, [&](int64_t out_off, int64_t index_pos, const int32_t* coords) {
    int64_t so = 0;
    for (int32_t k = 0; k < index.dim && k < src.dim; k++) so += coords[k] * src.strides[k];
    copy_element(esize, o + out_off * int64_t(esize), s + so * int64_t(esize));
  });
}

Error scatter_value_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index,
                                const Scalar& value, Tensor& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return check_scatter_index(ctx, self, dim, index, nullptr, &d);
}

Error scatter_value_out(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index, const Scalar& value,
                        Tensor& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_scatter_index(ctx, self, dim, index, nullptr, &d));
  ETB_RETURN_IF_ERROR(copy_self(ctx, self, out));
  alignas(8) uint8_t pattern[8];
  scalar_bytes(out.dtype, value, pattern);
  const size_t esize = element_size(out.dtype);
  uint8_t* o = static_cast<uint8_t*>(out.data);
  return for_each_scatter_index(ctx, out, d, index, [&](int64_t out_off, int64_t, const int32_t*) {
    memcpy(o + out_off * int64_t(esize), pattern, esize);
  });
}

}  // namespace portable
}  // namespace etb
