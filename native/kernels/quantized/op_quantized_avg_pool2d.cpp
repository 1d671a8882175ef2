// cortex_m::quantized_avg_pool2d.out: int8 NHWC average pooling over the
// in-bounds taps, rounded half away from zero (CMSIS-NN arm_avgpool_s8).
// zero_point, multiplier and shift are accepted but unused: input and output
// share one quantization.
#include "kernels/generated/kernel_decls.h"
#include "kernels/quantized/util/check_util.h"

namespace etb {
namespace quantized {
namespace {

// Channels summed together per output pixel; keeps the sums on the stack.
constexpr int64_t kChannelBlock = 64;

}  // namespace

Error quantized_avg_pool2d_out_prepare(KernelContext& ctx, const Tensor& input, Span<const int64_t> kernel_size,
                                       Span<const int64_t> stride, Span<const int64_t> padding, bool ceil_mode,
                                       int64_t zero_point, int64_t multiplier, int64_t shift, const Tensor& scratch,
                                       Tensor& out) {
  ETB_RETURN_IF_ERROR(check_dtype(ctx, input, ScalarType::Char, "input"));
  ETB_RETURN_IF_ERROR(check_dtype(ctx, out, ScalarType::Char, "out"));
  ETB_RETURN_IF_ERROR(check_nhwc(ctx, input, "input"));
  ETB_RETURN_IF_ERROR(check_nhwc(ctx, out, "out"));
  const Nhwc in = nhwc_of(input), o = nhwc_of(out);
  if (in.n != o.n || in.c != o.c) {
    return ctx.fail(Error::InvalidArgument, "input N=%d C=%d must equal out N=%d C=%d", in.n, in.c, o.n, o.c);
  }
  ETB_RETURN_IF_ERROR(check_pair(ctx, kernel_size, 1, "kernel_size"));
  ETB_RETURN_IF_ERROR(check_pair(ctx, stride, 1, "stride"));
  ETB_RETURN_IF_ERROR(check_pair(ctx, padding, 0, "padding"));
  const Window win = make_window(kernel_size[0], kernel_size[1], stride, padding, Span<const int64_t>());
  ETB_RETURN_IF_ERROR(check_window_out(ctx, in, o, win, ceil_mode));
  // Every window must cover at least one input position (the count divides).
  const bool first_ok = win.kh > win.ph && win.kw > win.pw;
  const bool last_ok = (o.h - 1) * win.sh - win.ph < in.h && (o.w - 1) * win.sw - win.pw < in.w;
  if (o.h > 0 && o.w > 0 && !(first_ok && last_ok)) {
    return ctx.fail(Error::InvalidArgument, "a pooling window lies entirely in the padding");
  }
  return Error::Ok;
}

Error quantized_avg_pool2d_out(KernelContext& ctx, const Tensor& input, Span<const int64_t> kernel_size,
                               Span<const int64_t> stride, Span<const int64_t> padding, bool ceil_mode,
                               int64_t zero_point, int64_t multiplier, int64_t shift, const Tensor& scratch,
                               Tensor& out) {
  const Nhwc in = nhwc_of(input), o = nhwc_of(out);
  const Window win = make_window(kernel_size[0], kernel_size[1], stride, padding, Span<const int64_t>());
  const int8_t* x = input.data_as<const int8_t>();
  int8_t* y = out.data_as<int8_t>();
  int64_t sums[kChannelBlock];
  for (int64_t n = 0; n < o.n; n++) {
    for (int64_t oy = 0; oy < o.h; oy++) {
      const int64_t y0 = oy * win.sh - win.ph;
      const int64_t y_begin = y0 < 0 ? 0 : y0, y_end = y0 + win.kh > in.h ? in.h : y0 + win.kh;
      for (int64_t ox = 0; ox < o.w; ox++) {
        const int64_t x0 = ox * win.sw - win.pw;
        const int64_t x_begin = x0 < 0 ? 0 : x0, x_end = x0 + win.kw > in.w ? in.w : x0 + win.kw;
        const int64_t count = (y_end - y_begin) * (x_end - x_begin);
        for (int64_t c0 = 0; c0 < o.c; c0 += kChannelBlock) {
          const int64_t nc = o.c - c0 < kChannelBlock ? o.c - c0 : kChannelBlock;
          for (int64_t c = 0; c < nc; c++) sums[c] = 0;
          for (int64_t iy = y_begin; iy < y_end; iy++) {
            for (int64_t ix = x_begin; ix < x_end; ix++) {
              const int8_t* xp = x + nhwc_index(in, n, iy, ix, c0);
              for (int64_t c = 0; c < nc; c++) sums[c] += xp[c];
            }
          }
          int8_t* yp = y + nhwc_index(o, n, oy, ox, c0);
          for (int64_t c = 0; c < nc; c++) {
            const int64_t s = sums[c];
            int64_t avg = s > 0 ? (s + count / 2) / count : (s - count / 2) / count;
            yp[c] = int8_t(avg < -128 ? -128 : avg > 127 ? 127 : avg);
          }
        }
      }
    }
  }
  return Error::Ok;
}

}  // namespace quantized
}  // namespace etb
