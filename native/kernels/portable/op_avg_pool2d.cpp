// aten::avg_pool2d.out: the mean of each window of input [N, C, H, W] or
// [C, H, W], as ATen counts it: the window clipped to the padded input
// (pool size) or, without count_include_pad, to the input itself; a
// divisor_override replaces either. A window wholly in the padding gives 0.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/pool_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_avg_pool(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size,
                     Span<const int64_t> stride, Span<const int64_t> padding, bool ceil_mode,
                     const Optional<int64_t>& divisor_override, const Tensor& out, PoolPlan* p) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, self, "self", false));
  const char* names[] = {"out"};
  const Tensor* ts[] = {&out};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, self.dtype, names, ts, 1));
  if (divisor_override.has_value && divisor_override.value == 0) {
    return ctx.fail(Error::InvalidArgument, "divisor_override must not be zero");
  }
  return plan_pool(ctx, self, kernel_size, stride, padding, nullptr, ceil_mode, p);
}

}  // namespace

Error avg_pool2d_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size,
                             Span<const int64_t> stride, Span<const int64_t> padding, bool ceil_mode,
                             bool count_include_pad, const Optional<int64_t>& divisor_override, Tensor& out) {
  PoolPlan p;
  return check_avg_pool(ctx, self, kernel_size, stride, padding, ceil_mode, divisor_override, out, &p);
}

Error avg_pool2d_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size,
                     Span<const int64_t> stride, Span<const int64_t> padding, bool ceil_mode, bool count_include_pad,
                     const Optional<int64_t>& divisor_override, Tensor& out) {
  PoolPlan p;
  ETB_RETURN_IF_ERROR(check_avg_pool(ctx, self, kernel_size, stride, padding, ceil_mode, divisor_override, out, &p));
  int32_t sizes[4];
  pool_out_sizes(self, p, sizes);
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, self.dim));
  pool_strides(out, p.os);
  auto lo = [](int64_t a, int64_t b) { return a < b ? a : b; };
  auto hi = [](int64_t a, int64_t b) { return a > b ? a : b; };
  for (int64_t n = 0; n < p.n; n++) {
    for (int64_t c = 0; c < p.c; c++) {
      const int64_t base = n * p.is[0] + c * p.is[1];
      for (int64_t oh = 0; oh < p.oh; oh++) {
        for (int64_t ow = 0; ow < p.ow; ow++) {
          int64_t h0 = oh * p.s[0] - p.p[0], w0 = ow * p.s[1] - p.p[1];
          int64_t h1 = lo(h0 + p.k[0], p.h + p.p[0]), w1 = lo(w0 + p.k[1], p.w + p.p[1]);
          const int64_t pool = (h1 - h0) * (w1 - w0);
          h0 = hi(h0, 0), w0 = hi(w0, 0), h1 = lo(h1, p.h), w1 = lo(w1, p.w);
          const int64_t o = n * p.os[0] + c * p.os[1] + oh * p.os[2] + ow * p.os[3];
          if (h0 >= h1 || w0 >= w1) {
            store_as<double>(out.data, out.dtype, o, 0.0);
            continue;
          }
          double sum = 0;
          for (int64_t ih = h0; ih < h1; ih++) {
            for (int64_t iw = w0; iw < w1; iw++) sum += load_as<double>(self.data, self.dtype, base + ih * p.is[2] + iw * p.is[3]);
          }
          const int64_t div = divisor_override.has_value ? divisor_override.value
                              : count_include_pad        ? pool
                                                         : (h1 - h0) * (w1 - w0);
          store_as<double>(out.data, out.dtype, o, sum / double(div));
        }
      }
    }
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
