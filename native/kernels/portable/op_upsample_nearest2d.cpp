// aten::upsample_nearest2d.vec_out: out[.., y, x] = input[.., sy, sx] with
// ATen's index rule, in float as ATen computes it: the identity when sizes
// match, y / 2 when doubling, else min(floor(y * scale), H - 1) where scale
// is 1 / scale_factor when scale_factors are given, else H / OH.
#include <math.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/upsample_util.h"

namespace etb {
namespace portable {
namespace {

int64_t source(int64_t dst, int64_t in, int64_t out, bool has_scale, double scale_factor) {
  if (out == in) return dst;
  if (out == 2 * in) return dst >> 1;
  const float scale = has_scale ? float(1.0 / scale_factor) : float(in) / float(out);
  const int64_t s = int64_t(floorf(float(dst) * scale));
  return s < in - 1 ? s : in - 1;
}

}  // namespace

Error upsample_nearest2d_vec_out_prepare(KernelContext& ctx, const Tensor& input,
                                         const Optional<Span<const int64_t>>& output_size,
                                         const Optional<Span<const double>>& scale_factors, Tensor& out) {
  UpsamplePlan p;
  return plan_upsample(ctx, input, output_size, scale_factors, out, &p);
}

Error upsample_nearest2d_vec_out(KernelContext& ctx, const Tensor& input, const Optional<Span<const int64_t>>& output_size,
                                 const Optional<Span<const double>>& scale_factors, Tensor& out) {
  UpsamplePlan p;
  ETB_RETURN_IF_ERROR(plan_upsample(ctx, input, output_size, scale_factors, out, &p));
  ETB_RETURN_IF_ERROR(bind_upsample_out(ctx, out, &p));
  const size_t es = element_size(out.dtype);
  const uint8_t* src = static_cast<const uint8_t*>(input.data);
  uint8_t* dst = static_cast<uint8_t*>(out.data);
  for (int64_t n = 0; n < p.n; n++) {
    for (int64_t c = 0; c < p.c; c++) {
      for (int64_t y = 0; y < p.oh; y++) {
        const int64_t sy = source(y, p.h, p.oh, p.has_scale, p.scale[0]);
        for (int64_t x = 0; x < p.ow; x++) {
          const int64_t sx = source(x, p.w, p.ow, p.has_scale, p.scale[1]);
          const int64_t i = n * p.is[0] + c * p.is[1] + sy * p.is[2] + sx * p.is[3];
          const int64_t o = n * p.os[0] + c * p.os[1] + y * p.os[2] + x * p.os[3];
          for (size_t b = 0; b < es; b++) dst[size_t(o) * es + b] = src[size_t(i) * es + b];
        }
      }
    }
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
