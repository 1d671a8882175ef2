// cortex_m::quantized_conv2d.out: int8 NHWC convolution with OHWI weights,
// per-output-channel requantization (CMSIS-NN arm_convolve_wrapper_s8).
#include "kernels/generated/kernel_decls.h"
#include "kernels/quantized/util/check_util.h"
#include "kernels/quantized/util/requantize_util.h"

namespace etb {
namespace quantized {
namespace {

// Keeps the sum of products within int32: |x + input_offset| <= 255, |w| <= 128.
constexpr int64_t kMaxTaps = 65536;

}  // namespace

Error quantized_conv2d_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                                   Span<const int64_t> stride, Span<const int64_t> padding,
                                   Span<const int64_t> dilation, int64_t input_offset, int64_t output_offset,
                                   const Tensor& requantize_multipliers, const Tensor& requantize_shifts,
                                   int64_t activation_min, int64_t activation_max, const Tensor& scratch, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_dtype(ctx, input, ScalarType::Char, "input"));
  ETB_RETURN_IF_ERROR(check_dtype(ctx, weight, ScalarType::Char, "weight"));
  ETB_RETURN_IF_ERROR(check_dtype(ctx, out, ScalarType::Char, "out"));
  ETB_RETURN_IF_ERROR(check_nhwc(ctx, input, "input"));
  ETB_RETURN_IF_ERROR(check_nhwc(ctx, out, "out"));
  if (weight.dim != 4) return ctx.fail(Error::InvalidArgument, "weight must be 4-D [Cout, kH, kW, Cin], got rank %d", weight.dim);
  ETB_RETURN_IF_ERROR(check_row_major(ctx, weight, "weight (OHWI)"));
  const Nhwc in = nhwc_of(input), o = nhwc_of(out);
  const int32_t cout = weight.sizes[0], kh = weight.sizes[1], kw = weight.sizes[2], cin = weight.sizes[3];
  if (kh < 1 || kw < 1) return ctx.fail(Error::InvalidArgument, "weight has an empty %dx%d kernel", kh, kw);
  if (cin != in.c) return ctx.fail(Error::InvalidArgument, "weight has %d input channels but input has %d", cin, in.c);
  if (cout != o.c) return ctx.fail(Error::InvalidArgument, "weight has %d output channels but out has %d", cout, o.c);
  if (in.n != o.n) return ctx.fail(Error::InvalidArgument, "input batch %d differs from out batch %d", in.n, o.n);
  if (int64_t(kh) * kw * cin > kMaxTaps) {
    return ctx.fail(Error::NotSupported, "%dx%dx%d kernel exceeds %lld taps", kh, kw, cin, (long long)kMaxTaps);
  }
  ConvArgs args{stride, padding, dilation, bias, &requantize_multipliers, &requantize_shifts,
                input_offset, output_offset, activation_min, activation_max};
  return check_conv_args(ctx, in, o, kh, kw, cout, args);
}

Error quantized_conv2d_out(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                           Span<const int64_t> stride, Span<const int64_t> padding, Span<const int64_t> dilation,
                           int64_t input_offset, int64_t output_offset, const Tensor& requantize_multipliers,
                           const Tensor& requantize_shifts, int64_t activation_min, int64_t activation_max,
                           const Tensor& scratch, Tensor& out) {
  const Nhwc in = nhwc_of(input), o = nhwc_of(out);
  const Window win = make_window(weight.sizes[1], weight.sizes[2], stride, padding, dilation);
  const int8_t* x = input.data_as<const int8_t>();
  const int8_t* w = weight.data_as<const int8_t>();
  const int32_t* b = bias != nullptr ? bias->data_as<const int32_t>() : nullptr;
  const int32_t* mult = requantize_multipliers.data_as<const int32_t>();
  const int32_t* shift = requantize_shifts.data_as<const int32_t>();
  const int32_t in_off = int32_t(input_offset), out_off = int32_t(output_offset);
  const int32_t lo = int32_t(activation_min), hi = int32_t(activation_max);
  int8_t* y = out.data_as<int8_t>();
  for (int64_t n = 0; n < o.n; n++) {
    for (int64_t oy = 0; oy < o.h; oy++) {
      for (int64_t ox = 0; ox < o.w; ox++) {
        int8_t* yp = y + nhwc_index(o, n, oy, ox, 0);
        for (int64_t co = 0; co < o.c; co++) {
          const int8_t* wc = w + co * win.kh * win.kw * in.c;
          int32_t sum = 0;
          for (int64_t ky = 0; ky < win.kh; ky++) {
            const int64_t iy = oy * win.sh - win.ph + ky * win.dh;
            if (iy < 0 || iy >= in.h) continue;
            for (int64_t kx = 0; kx < win.kw; kx++) {
              const int64_t ix = ox * win.sw - win.pw + kx * win.dw;
              if (ix < 0 || ix >= in.w) continue;
              const int8_t* xp = x + nhwc_index(in, n, iy, ix, 0);
              const int8_t* wp = wc + (ky * win.kw + kx) * in.c;
              for (int64_t ci = 0; ci < in.c; ci++) sum += (int32_t(xp[ci]) + in_off) * int32_t(wp[ci]);
            }
          }
          const int32_t acc = wrap_i32(int64_t(sum) + (b != nullptr ? b[co] : 0));
          yp[co] = offset_and_clamp(requantize(acc, mult[co], shift[co]), out_off, lo, hi);
        }
      }
    }
  }
  return Error::Ok;
}

}  // namespace quantized
}  // namespace etb
