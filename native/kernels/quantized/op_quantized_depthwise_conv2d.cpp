// cortex_m::quantized_depthwise_conv2d.out: int8 NHWC depthwise convolution
// with IHWO weights [1, kH, kW, Cin * depth_multiplier], per-output-channel
// requantization (CMSIS-NN arm_depthwise_conv_wrapper_s8).
#include "kernels/generated/kernel_decls.h"
#include "kernels/quantized/util/check_util.h"
#include "kernels/quantized/util/requantize_util.h"

namespace etb {
namespace quantized {
namespace {

// Keeps the sum of products within int32: |x + input_offset| <= 255, |w| <= 128.
constexpr int64_t kMaxTaps = 65536;

}  // namespace

Error quantized_depthwise_conv2d_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& weight,
                                             const Tensor* bias, Span<const int64_t> stride,
                                             Span<const int64_t> padding, Span<const int64_t> dilation,
                                             int64_t depth_multiplier, int64_t input_offset, int64_t output_offset,
                                             const Tensor& requantize_multipliers, const Tensor& requantize_shifts,
                                             int64_t activation_min, int64_t activation_max, const Tensor& scratch,
                                             Tensor& out) {
  ETB_RETURN_IF_ERROR(check_dtype(ctx, input, ScalarType::Char, "input"));
  ETB_RETURN_IF_ERROR(check_dtype(ctx, weight, ScalarType::Char, "weight"));
  ETB_RETURN_IF_ERROR(check_dtype(ctx, out, ScalarType::Char, "out"));
  ETB_RETURN_IF_ERROR(check_nhwc(ctx, input, "input"));
  ETB_RETURN_IF_ERROR(check_nhwc(ctx, out, "out"));
  if (weight.dim != 4 || weight.sizes[0] != 1) {
    return ctx.fail(Error::InvalidArgument, "weight must be 4-D [1, kH, kW, Cout] (IHWO)");
  }
  ETB_RETURN_IF_ERROR(check_row_major(ctx, weight, "weight (IHWO)"));
  const Nhwc in = nhwc_of(input), o = nhwc_of(out);
  const int32_t kh = weight.sizes[1], kw = weight.sizes[2], cout = weight.sizes[3];
  if (in.n != 1 || o.n != 1) return ctx.fail(Error::NotSupported, "batch must be 1, got input %d and out %d", in.n, o.n);
  if (kh < 1 || kw < 1) return ctx.fail(Error::InvalidArgument, "weight has an empty %dx%d kernel", kh, kw);
  if (int64_t(kh) * kw > kMaxTaps) return ctx.fail(Error::NotSupported, "%dx%d kernel is too large", kh, kw);
  ETB_RETURN_IF_ERROR(check_range(ctx, depth_multiplier, 1, 65536, "depth_multiplier"));
  if (int64_t(in.c) * depth_multiplier != cout || cout != o.c) {
    return ctx.fail(Error::InvalidArgument, "input channels %d x depth_multiplier %lld must equal weight channels %d and out channels %d",
                    in.c, (long long)depth_multiplier, cout, o.c);
  }
  ConvArgs args{stride, padding, dilation, bias, &requantize_multipliers, &requantize_shifts,
                input_offset, output_offset, activation_min, activation_max};
  return check_conv_args(ctx, in, o, kh, kw, cout, args);
}

Error quantized_depthwise_conv2d_out(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                                     Span<const int64_t> stride, Span<const int64_t> padding,
                                     Span<const int64_t> dilation, int64_t depth_multiplier, int64_t input_offset,
                                     int64_t output_offset, const Tensor& requantize_multipliers,
                                     const Tensor& requantize_shifts, int64_t activation_min, int64_t activation_max,
                                     const Tensor& scratch, Tensor& out) {
  const Nhwc in = nhwc_of(input), o = nhwc_of(out);
  const Window win = make_window(weight.sizes[1], weight.sizes[2], stride, padding, dilation);
  const int64_t dm = depth_multiplier;
  const int8_t* x = input.data_as<const int8_t>();
  const int8_t* w = weight.data_as<const int8_t>();
  const int32_t* b = bias != nullptr ? bias->data_as<const int32_t>() : nullptr;
  const int32_t* mult = requantize_multipliers.data_as<const int32_t>();
  const int32_t* shift = requantize_shifts.data_as<const int32_t>();
  const int32_t in_off = int32_t(input_offset), out_off = int32_t(output_offset);
  const int32_t lo = int32_t(activation_min), hi = int32_t(activation_max);
  int8_t* y = out.data_as<int8_t>();
  for (int64_t oy = 0; oy < o.h; oy++) {
    for (int64_t ox = 0; ox < o.w; ox++) {
      int8_t* yp = y + nhwc_index(o, 0, oy, ox, 0);
      for (int64_t oc = 0; oc < o.c; oc++) {
        const int64_t ci = oc / dm;
        int32_t sum = 0;
        for (int64_t ky = 0; ky < win.kh; ky++) {
          const int64_t iy = oy * win.sh - win.ph + ky * win.dh;
          if (iy < 0 || iy >= in.h) continue;
          for (int64_t kx = 0; kx < win.kw; kx++) {
            const int64_t ix = ox * win.sw - win.pw + kx * win.dw;
            if (ix < 0 || ix >= in.w) continue;
            const int32_t xv = int32_t(x[nhwc_index(in, 0, iy, ix, ci)]) + in_off;
            sum += xv * int32_t(w[(ky * win.kw + kx) * o.c + oc]);
          }
        }
        const int32_t acc = wrap_i32(int64_t(sum) + (b != nullptr ? b[oc] : 0));
        yp[oc] = offset_and_clamp(requantize(acc, mult[oc], shift[oc]), out_off, lo, hi);
      }
    }
  }
  return Error::Ok;
}

}  // namespace quantized
}  // namespace etb
