// aten::max_pool2d_with_indices.out (optimized): float32 [N, C, H, W] or
// [C, H, W] in the default dim order, any kernel, stride, padding, dilation
// and ceil_mode (the portable kernel's plan). Each window is scanned in
// float32 straight from the plane, with ATen's rules as the portable kernel
// applies them: start from the first in-bounds tap, a larger value or any
// NaN replaces the best (so the last NaN wins, ties keep the first), and the
// index is h * W + w. Planes are split over threads. Other dtypes and
// layouts use the portable kernel.
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/pointwise.h"
#include "kernels/portable/util/pool_util.h"

namespace etb {
namespace optimized {
namespace {

bool handles(const Tensor& self, const Tensor& out, const Tensor& indices) {
  return (self.dim == 3 || self.dim == 4) && dense_f32(self) && dense_f32(out) &&
         indices.dtype == ScalarType::Long && indices.is_contiguous();
}

void pool_plane(const portable::PoolPlan& p, const float* plane, float* y, int64_t* ind) {
  for (int64_t oh = 0; oh < p.oh; oh++) {
    int64_t h0 = oh * p.s[0] - p.p[0];
    const int64_t h1 = h0 + (p.k[0] - 1) * p.d[0] + 1 < p.h ? h0 + (p.k[0] - 1) * p.d[0] + 1 : p.h;
    while (h0 < 0) h0 += p.d[0];
    for (int64_t ow = 0; ow < p.ow; ow++) {
      int64_t w0 = ow * p.s[1] - p.p[1];
      const int64_t w1 = w0 + (p.k[1] - 1) * p.d[1] + 1 < p.w ? w0 + (p.k[1] - 1) * p.d[1] + 1 : p.w;
      while (w0 < 0) w0 += p.d[1];
      float best = plane[h0 * p.w + w0];
      int64_t at = h0 * p.w + w0;
      for (int64_t ih = h0; ih < h1; ih += p.d[0]) {
        const float* row = plane + ih * p.w;
        for (int64_t iw = w0; iw < w1; iw += p.d[1]) {
          // Branch-free (selects): which tap wins is data-dependent and mispredicts.
          const float v = row[iw];
          const bool take = (v > best) | (v != v);
          best = take ? v : best;
          at = take ? ih * p.w + iw : at;
        }
      }
      y[oh * p.ow + ow] = best;
      ind[oh * p.ow + ow] = at;
    }
  }
}

}  // namespace

Error opt_max_pool2d_with_indices_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size,
                                              Span<const int64_t> stride, Span<const int64_t> padding,
                                              Span<const int64_t> dilation, bool ceil_mode, Tensor& out,
                                              Tensor& indices) {
  if (!handles(self, out, indices)) {
    return ctx.fail(Error::NotSupported, "handles float32 [N, C, H, W] or [C, H, W] in the default dim order only");
  }
  return portable::max_pool2d_with_indices_out_prepare(ctx, self, kernel_size, stride, padding, dilation, ceil_mode,
                                                       out, indices);
}

Error opt_max_pool2d_with_indices_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size,
                                      Span<const int64_t> stride, Span<const int64_t> padding,
                                      Span<const int64_t> dilation, bool ceil_mode, Tensor& out, Tensor& indices) {
  if (!handles(self, out, indices)) {
    return portable::max_pool2d_with_indices_out(ctx, self, kernel_size, stride, padding, dilation, ceil_mode, out,
                                                 indices);
  }
  ETB_RETURN_IF_ERROR(portable::max_pool2d_with_indices_out_prepare(ctx, self, kernel_size, stride, padding, dilation,
                                                                    ceil_mode, out, indices));
  portable::PoolPlan p;
  ETB_RETURN_IF_ERROR(portable::plan_pool(ctx, self, kernel_size, stride, padding, &dilation, ceil_mode, &p));
  int32_t sizes[4];
  portable::pool_out_sizes(self, p, sizes);
  ETB_RETURN_IF_ERROR(resize_to(ctx, out, sizes, self.dim));
  ETB_RETURN_IF_ERROR(resize_to(ctx, indices, sizes, self.dim));
  const int64_t planes = p.n * p.c, in_plane = p.h * p.w, out_plane = p.oh * p.ow;
  if (planes == 0 || out_plane == 0) return Error::Ok;
  const float* x = self.data_as<const float>();
  float* y = out.data_as<float>();
  int64_t* ind = indices.data_as<int64_t>();
  const double taps = double(p.k[0] * p.k[1]) * double(out_plane);
  for_range(ctx, planes, 1, taps, [&](int64_t b, int64_t e) {
    for (int64_t q = b; q < e; q++) pool_plane(p, x + q * in_plane, y + q * out_plane, ind + q * out_plane);
  });
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb
