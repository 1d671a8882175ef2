// aten::pixel_shuffle.out: [..., C*r*r, H, W] -> [..., C, H*r, W*r] with
// out[..., c, h*r + i, w*r + j] = self[..., c*r*r + i*r + j, h, w]; both
// sides are split into (c, h, i, w, j) so one strided copy moves it all.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error shuffled_sizes(KernelContext& ctx, const Tensor& self, int64_t r, int32_t* sizes) {
  if (self.dim < 3) return ctx.fail(Error::InvalidArgument, "pixel_shuffle needs rank >= 3, got %d", self.dim);
  if (self.dim > kMaxTensorRank - 2) return ctx.fail(Error::NotSupported, "pixel_shuffle supports rank <= %d", kMaxTensorRank - 2);
  if (r <= 0 || r > 65535) return ctx.fail(Error::InvalidArgument, "upscale_factor %lld must be positive", static_cast<long long>(r));
  int32_t c = self.sizes[self.dim - 3];
  if (c % (r * r) != 0) {
    return ctx.fail(Error::InvalidArgument, "channels %d are not divisible by upscale_factor^2 = %lld", c,
                    static_cast<long long>(r * r));
  }
  int64_t h = self.sizes[self.dim - 2] * r, w = self.sizes[self.dim - 1] * r;
  if (h > INT32_MAX || w > INT32_MAX) return ctx.fail(Error::InvalidArgument, "upscaled size overflows");
  for (int32_t d = 0; d < self.dim - 3; d++) sizes[d] = self.sizes[d];
  sizes[self.dim - 3] = int32_t(c / (r * r));
  sizes[self.dim - 2] = int32_t(h);
  sizes[self.dim - 1] = int32_t(w);
  return Error::Ok;
}

}  // namespace

Error pixel_shuffle_out_prepare(KernelContext& ctx, const Tensor& self, int64_t upscale_factor, Tensor& out) {
  int32_t sizes[kMaxTensorRank];
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (self.dim != out.dim) return ctx.fail(Error::InvalidArgument, "self has rank %d but out has rank %d", self.dim, out.dim);
  return shuffled_sizes(ctx, self, upscale_factor, sizes);
}

Error pixel_shuffle_out(KernelContext& ctx, const Tensor& self, int64_t upscale_factor, Tensor& out) {
  int32_t sizes[kMaxTensorRank];
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (self.dim != out.dim) return ctx.fail(Error::InvalidArgument, "self has rank %d but out has rank %d", self.dim, out.dim);
  ETB_RETURN_IF_ERROR(shuffled_sizes(ctx, self, upscale_factor, sizes));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, out.dim));
  if (out.numel() == 0) return Error::Ok;
  const int64_t r = upscale_factor;
  const int32_t b = self.dim - 3;
  int32_t split[kMaxTensorRank];
  int64_t src[kMaxTensorRank], dst[kMaxTensorRank];
  for (int32_t d = 0; d < b; d++) {
    split[d] = self.sizes[d];
    src[d] = self.strides[d];
    dst[d] = out.strides[d];
  }
  const int64_t sc = self.strides[b], sh = self.strides[b + 1], sw = self.strides[b + 2];
  const int64_t oc = out.strides[b], oh = out.strides[b + 1], ow = out.strides[b + 2];
  const int32_t dims5[5] = {sizes[b], self.sizes[b + 1], int32_t(r), self.sizes[b + 2], int32_t(r)};
  const int64_t src5[5] = {sc * r * r, sh, sc * r, sw, sc};
  const int64_t dst5[5] = {oc, oh * r, oh, ow * r, ow};
  for (int32_t k = 0; k < 5; k++) {
    split[b + k] = dims5[k];
    src[b + k] = src5[k];
    dst[b + k] = dst5[k];
  }
  strided_copy(element_size(out.dtype), b + 5, split, self.data, src, out.data, dst);
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
