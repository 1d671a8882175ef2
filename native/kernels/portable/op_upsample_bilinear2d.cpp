// aten::upsample_bilinear2d.vec_out: bilinear interpolation of input
// [N, C, H, W]. align_corners maps the corner pixels onto each other (scale
// (H - 1) / (OH - 1), 0 for OH = 1, scale_factors ignored); otherwise pixel
// centres: src = max(scale * (y + 0.5) - 0.5, 0) with scale 1 / scale_factor
// or H / OH. y0 = floor(src), y1 = y0 + 1 clamped, weights src - y0 and its
// complement, as ATen; computed in double.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/upsample_util.h"

namespace etb {
namespace portable {
namespace {

struct Tap {
  int64_t i0, i1;
  double l0, l1;
};

Tap tap(int64_t dst, int64_t in, int64_t out, bool align, bool has_scale, double scale_factor) {
  double scale;
  if (align) {
    scale = out > 1 ? double(in - 1) / double(out - 1) : 0.0;
  } else {
    scale = has_scale ? 1.0 / scale_factor : double(in) / double(out);
  }
  double src = align ? scale * double(dst) : scale * (double(dst) + 0.5) - 0.5;
  if (src < 0) src = 0;
  Tap t;
  t.i0 = int64_t(src);
  if (t.i0 > in - 1) t.i0 = in - 1;
  t.i1 = t.i0 < in - 1 ? t.i0 + 1 : t.i0;
  t.l1 = src - double(t.i0);
  if (t.l1 > 1) t.l1 = 1;
  t.l0 = 1.0 - t.l1;
  return t;
}

}  // namespace

Error upsample_bilinear2d_vec_out_prepare(KernelContext& ctx, const Tensor& input,
                                          const Optional<Span<const int64_t>>& output_size, bool align_corners,
                                          const Optional<Span<const double>>& scale_factors, Tensor& out) {
  UpsamplePlan p;
  return plan_upsample(ctx, input, output_size, scale_factors, out, &p);
}

Error upsample_bilinear2d_vec_out(KernelContext& ctx, const Tensor& input, const Optional<Span<const int64_t>>& output_size,
                                  bool align_corners, const Optional<Span<const double>>& scale_factors, Tensor& out) {
  UpsamplePlan p;
  ETB_RETURN_IF_ERROR(plan_upsample(ctx, input, output_size, scale_factors, out, &p));
  ETB_RETURN_IF_ERROR(bind_upsample_out(ctx, out, &p));
  auto at = [&](int64_t base, int64_t y, int64_t x) {
    return load_as<double>(input.data, input.dtype, base + y * p.is[2] + x * p.is[3]);
  };
  for (int64_t n = 0; n < p.n; n++) {
    for (int64_t c = 0; c < p.c; c++) {
      const int64_t base = n * p.is[0] + c * p.is[1];
      for (int64_t y = 0; y < p.oh; y++) {
        const Tap ty = tap(y, p.h, p.oh, align_corners, p.has_scale, p.scale[0]);
        for (int64_t x = 0; x < p.ow; x++) {
          const Tap tx = tap(x, p.w, p.ow, align_corners, p.has_scale, p.scale[1]);
          const double v = ty.l0 * (tx.l0 * at(base, ty.i0, tx.i0) + tx.l1 * at(base, ty.i0, tx.i1)) +
                           ty.l1 * (tx.l0 * at(base, ty.i1, tx.i0) + tx.l1 * at(base, ty.i1, tx.i1));
          store_as<double>(out.data, out.dtype, n * p.os[0] + c * p.os[1] + y * p.os[2] + x * p.os[3], v);
        }
      }
    }
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
