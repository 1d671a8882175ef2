// quantized_decomposed::quantize_per_channel.out and dequantize_per_channel.out
// with PyTorch's decomposed semantics: channel c along `axis` uses scales[c]
// and zero_points[c];
//   quantize:   clamp(round(x · (1 / scale)) + zp, quant_min, quant_max) in
//               the promotion of float32 with the scales' dtype (float64 scales
//               compute in double), round half to even;
//   dequantize: (q − zp) in the promoted integer type (int32 wraps), times scale in the scales' dtype, then cast
//               to out_dtype (default float32); zero_points may be None.
// The per-channel parameters are read through a broadcast view (sizes
// [C, 1, ...] right-aligned at `axis`), so any dim order works.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"
#include "kernels/portable/util/shape_util.h"
#include "kernels/quantized/util/check_util.h"

namespace etb {
namespace quantized {
namespace {

using portable::ternary_loop;

bool quant_limits(ScalarType t, int64_t* lo, int64_t* hi) {
  switch (t) {
    case ScalarType::Byte: *lo = 0; *hi = 255; return true;
    case ScalarType::Char: *lo = -128; *hi = 127; return true;
    case ScalarType::Short: *lo = -32768; *hi = 32767; return true;
    case ScalarType::Int: *lo = -2147483647 - 1; *hi = 2147483647; return true;
    default: return false;
  }
}

// A view of a per-channel parameter as a tensor broadcasting against input along `axis`.
struct ChannelView {
  Tensor t;
  int32_t sizes[kMaxTensorRank];
  int64_t strides[kMaxTensorRank];
  uint8_t order[kMaxTensorRank];
};

void channel_view(const Tensor& param, int32_t axis, int32_t rank, ChannelView* v) {
  v->t = param;
  v->t.dim = rank - axis;
  for (int32_t d = 0; d < v->t.dim; d++) {
    v->sizes[d] = d == 0 ? int32_t(param.numel()) : 1;
    v->strides[d] = d == 0 ? 1 : 0;
    v->order[d] = uint8_t(d);
  }
  v->t.sizes = v->sizes;
  v->t.strides = v->strides;
  v->t.dim_order = v->order;
}

Error check_params(KernelContext& ctx, const Tensor& input, const Tensor& scales, const Tensor* zero_points,
                   int64_t axis, int64_t quant_min, int64_t quant_max, ScalarType dtype, int32_t* axis_out) {
  int64_t lo, hi;
  if (!quant_limits(dtype, &lo, &hi)) return ctx.fail(Error::NotSupported, "unsupported quantized dtype %s", scalar_type_name(dtype));
  ETB_RETURN_IF_ERROR(check_range(ctx, quant_min, lo, hi, "quant_min"));
  ETB_RETURN_IF_ERROR(check_range(ctx, quant_max, quant_min, hi, "quant_max"));
  if (input.dim == 0) return ctx.fail(Error::InvalidArgument, "per-channel input must have a channel dim");
  ETB_RETURN_IF_ERROR(portable::wrap_dim(ctx, axis, input.dim, axis_out));
  if (scales.dtype != ScalarType::Float && scales.dtype != ScalarType::Double) {
    return ctx.fail(Error::NotSupported, "unsupported scales dtype %s (float32 or float64)", scalar_type_name(scales.dtype));
  }
  const int64_t channels = input.sizes[*axis_out];
  if (scales.dim != 1 || scales.numel() != channels) {
    return ctx.fail(Error::InvalidArgument, "scales must be 1-d with %lld entries (input dim %d)", (long long)channels, *axis_out);
  }
  if (zero_points != nullptr) {
    if (zero_points->dtype != ScalarType::Long && zero_points->dtype != ScalarType::Int) {
      return ctx.fail(Error::NotSupported, "unsupported zero_points dtype %s (int32 or int64)", scalar_type_name(zero_points->dtype));
    }
    if (zero_points->dim != 1 || zero_points->numel() != channels) {
      return ctx.fail(Error::InvalidArgument, "zero_points must be 1-d with %lld entries", (long long)channels);
    }
  }
  return Error::Ok;
}

}  // namespace

Error decomposed_quantize_per_channel_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& scales,
                                                  const Tensor& zero_points, int64_t axis, int64_t quant_min,
                                                  int64_t quant_max, ScalarType dtype, Tensor& out) {
  if (input.dtype != ScalarType::Float && input.dtype != ScalarType::Half && input.dtype != ScalarType::BFloat16) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes: input %s (float32, float16 or bfloat16) -> %s",
                    scalar_type_name(input.dtype), scalar_type_name(out.dtype));
  }
  int32_t ax;
  ETB_RETURN_IF_ERROR(check_params(ctx, input, scales, &zero_points, axis, quant_min, quant_max, dtype, &ax));
  if (out.dtype != dtype) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes: out %s for dtype %s", scalar_type_name(out.dtype), scalar_type_name(dtype));
  }
  return Error::Ok;
}

Error decomposed_quantize_per_channel_out(KernelContext& ctx, const Tensor& input, const Tensor& scales,
                                          const Tensor& zero_points, int64_t axis, int64_t quant_min,
                                          int64_t quant_max, ScalarType dtype, Tensor& out) {
  int32_t ax;
  ETB_RETURN_IF_ERROR(portable::wrap_dim(ctx, axis, input.dim, &ax));
  ETB_RETURN_IF_ERROR(portable::resize_like(ctx, input, out));
  ChannelView s, z;
  channel_view(scales, ax, input.dim, &s);
  channel_view(zero_points, ax, input.dim, &z);
  auto run = [&](auto zero) {
    using CT = decltype(zero);
    const CT lo = CT(quant_min), hi = CT(quant_max);
    ternary_loop<CT>(input, s.t, z.t, out, [=](CT x, CT scale, CT zp) {
      CT q = CT(std::nearbyint(x * (CT(1) / scale))) + zp;
      return q != q ? q : q < lo ? lo : q > hi ? hi : q;
    });
  };
  if (scales.dtype == ScalarType::Double) run(double());
  else run(float());
  return Error::Ok;
}

Error decomposed_dequantize_per_channel_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& scales,
                                                    const Tensor* zero_points, int64_t axis, int64_t quant_min,
                                                    int64_t quant_max, ScalarType dtype,
                                                    const Optional<ScalarType>& out_dtype, Tensor& out) {
  if (input.dtype != dtype) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes: input %s for dtype %s", scalar_type_name(input.dtype), scalar_type_name(dtype));
  }
  int32_t ax;
  ETB_RETURN_IF_ERROR(check_params(ctx, input, scales, zero_points, axis, quant_min, quant_max, dtype, &ax));
  ScalarType want = out_dtype.has_value ? out_dtype.value : ScalarType::Float;
  if (!is_floating(want) || out.dtype != want) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes: %s -> out %s (out_dtype %s)", scalar_type_name(input.dtype),
                    scalar_type_name(out.dtype), scalar_type_name(want));
  }
  return Error::Ok;
}

Error decomposed_dequantize_per_channel_out(KernelContext& ctx, const Tensor& input, const Tensor& scales,
                                            const Tensor* zero_points, int64_t axis, int64_t quant_min,
                                            int64_t quant_max, ScalarType dtype, const Optional<ScalarType>& out_dtype,
                                            Tensor& out) {
  int32_t ax;
  ETB_RETURN_IF_ERROR(portable::wrap_dim(ctx, axis, input.dim, &ax));
  ETB_RETURN_IF_ERROR(portable::resize_like(ctx, input, out));
  int64_t zero_storage = 0;
  Tensor no_zp;
  no_zp.dtype = ScalarType::Long;
  no_zp.data = &zero_storage;
  ChannelView s, z;
  channel_view(scales, ax, input.dim, &s);
  if (zero_points != nullptr) channel_view(*zero_points, ax, input.dim, &z);
  const Tensor& zp_t = zero_points != nullptr ? z.t : no_zp;
  auto run = [&](auto zero) {
    using CT = decltype(zero);
    // q - zp is a tensor subtraction in PyTorch: it wraps in the promoted integer type (int32 - int32 stays int32).
    ScalarType diff_type = input.dtype;
    if (zero_points != nullptr) promote_types(input.dtype, zero_points->dtype, &diff_type);
    const bool wrap32 = diff_type == ScalarType::Int;
    const Tensor* inputs[3] = {&input, &s.t, &zp_t};
    portable::BroadcastIterator it(out, inputs, 3);
    for (int64_t i = 0; i < it.size(); i++, it.next()) {
      int64_t q = portable::load_as<int64_t>(input.data, input.dtype, it.offset(0));
      int64_t zp = portable::load_as<int64_t>(zp_t.data, zp_t.dtype, it.offset(2));
      CT scale = portable::load_as<CT>(s.t.data, s.t.dtype, it.offset(1));
      int64_t diff = int64_t(uint64_t(q) - uint64_t(zp));
      if (wrap32) diff = int32_t(uint32_t(uint64_t(diff)));
      portable::store_as<CT>(out.data, out.dtype, it.out_offset(), CT(diff) * scale);
    }
  };
  if (scales.dtype == ScalarType::Double) run(double());
  else run(float());
  return Error::Ok;
}

}  // namespace quantized
}  // namespace etb
