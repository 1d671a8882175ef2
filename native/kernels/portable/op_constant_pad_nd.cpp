// aten::constant_pad_nd.out: self padded with `value`; pad holds (before,
// after) pairs starting from the last dim; negative pads crop.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error padded_sizes(KernelContext& ctx, const Tensor& self, Span<const int64_t> pad, int32_t* sizes) {
  if (pad.size() % 2 != 0) return ctx.fail(Error::InvalidArgument, "pad length %zu must be even", pad.size());
  if (pad.size() / 2 > size_t(self.dim)) {
    return ctx.fail(Error::InvalidArgument, "pad length %zu is too long for a rank-%d tensor", pad.size(), self.dim);
  }
  for (int32_t d = 0; d < self.dim; d++) sizes[d] = self.sizes[d];
  for (size_t i = 0; i < pad.size() / 2; i++) {
    int32_t d = self.dim - 1 - int32_t(i);
    bool small = pad[2 * i] >= -INT32_MAX && pad[2 * i] <= INT32_MAX && pad[2 * i + 1] >= -INT32_MAX &&
                 pad[2 * i + 1] <= INT32_MAX;
    int64_t s = small ? int64_t(self.sizes[d]) + pad[2 * i] + pad[2 * i + 1] : -1;
    if (s < 0 || s > INT32_MAX) {
      return ctx.fail(Error::InvalidArgument, "padding (%lld, %lld) of dim %d of size %d gives an invalid size",
                      static_cast<long long>(pad[2 * i]), static_cast<long long>(pad[2 * i + 1]), d, self.sizes[d]);
    }
    sizes[d] = int32_t(s);
  }
  return Error::Ok;
}

}  // namespace

Error constant_pad_nd_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> pad, const Scalar& value,
                                  Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (self.dim != out.dim) return ctx.fail(Error::InvalidArgument, "self has rank %d but out has rank %d", self.dim, out.dim);
  return Error::Ok;
}

Error constant_pad_nd_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> pad, const Scalar& value,
                          Tensor& out) {
  int32_t sizes[kMaxTensorRank];
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (self.dim != out.dim) return ctx.fail(Error::InvalidArgument, "self has rank %d but out has rank %d", self.dim, out.dim);
  ETB_RETURN_IF_ERROR(padded_sizes(ctx, self, pad, sizes));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, self.dim));
  if (out.numel() == 0) return Error::Ok;
  fill_scalar(out, value);
  // The part of self that survives: per dim, skip a negative `before`, and
  // place it after a positive one.
  View src = identity_view(self);
  int64_t dst_off = 0;
  for (size_t i = 0; i < pad.size() / 2; i++) {
    int32_t d = self.dim - 1 - int32_t(i);
    int64_t before = pad[2 * i], after = pad[2 * i + 1];
    int64_t keep = int64_t(self.sizes[d]) + (before < 0 ? before : 0) + (after < 0 ? after : 0);
    if (keep <= 0) return Error::Ok;
    src.sizes[d] = int32_t(keep);
    if (before < 0) src.offset += -before * self.strides[d];
    if (before > 0) dst_off += before * out.strides[d];
  }
  const int64_t esize = int64_t(element_size(out.dtype));
  strided_copy(size_t(esize), src.dim, src.sizes, static_cast<const uint8_t*>(self.data) + src.offset * esize,
               src.strides, static_cast<uint8_t*>(out.data) + dst_off * esize, out.strides);
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
