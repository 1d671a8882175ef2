// cortex_m::quantized_linear.out: int8 fully connected layer, weights
// [OUT, IN] row-major, per-tensor requantization (CMSIS-NN
// arm_fully_connected_s8). Note activation_max precedes activation_min.
#include "kernels/generated/kernel_decls.h"
#include "kernels/quantized/util/check_util.h"
#include "kernels/quantized/util/requantize_util.h"

namespace etb {
namespace quantized {
namespace {

// Keeps the sum of products within int32: |x + input_offset| <= 255,
// |w + filter_offset| <= 255.
constexpr int64_t kMaxInFeatures = 32768;

}  // namespace

Error quantized_linear_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& weights, const Tensor* bias,
                                   const Tensor* kernel_sum, int64_t input_offset, int64_t filter_offset,
                                   int64_t output_offset, Span<const int64_t> requantize_multipliers,
                                   Span<const int64_t> requantize_shifts, int64_t activation_max,
                                   int64_t activation_min, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_dtype(ctx, input, ScalarType::Char, "input"));
  ETB_RETURN_IF_ERROR(check_dtype(ctx, weights, ScalarType::Char, "weights"));
  ETB_RETURN_IF_ERROR(check_dtype(ctx, out, ScalarType::Char, "out"));
  if (weights.dim != 2) return ctx.fail(Error::InvalidArgument, "weights must be 2-D [OUT, IN], got rank %d", weights.dim);
  if (input.dim < 1 || out.dim != input.dim) {
    return ctx.fail(Error::InvalidArgument, "input and out must have the same rank >= 1, got %d and %d", input.dim,
                    out.dim);
  }
  ETB_RETURN_IF_ERROR(check_row_major(ctx, input, "input"));
  ETB_RETURN_IF_ERROR(check_row_major(ctx, weights, "weights"));
  ETB_RETURN_IF_ERROR(check_row_major(ctx, out, "out"));
  const int32_t out_features = weights.sizes[0], in_features = weights.sizes[1];
  if (input.sizes[input.dim - 1] != in_features || out.sizes[out.dim - 1] != out_features) {
    return ctx.fail(Error::InvalidArgument, "input [..., %d] x weights [%d, %d] does not give out [..., %d]",
                    input.sizes[input.dim - 1], out_features, in_features, out.sizes[out.dim - 1]);
  }
  for (int32_t d = 0; d + 1 < input.dim; d++) {
    if (input.sizes[d] != out.sizes[d]) {
      return ctx.fail(Error::InvalidArgument, "input and out differ in leading dim %d (%d vs %d)", d, input.sizes[d],
                      out.sizes[d]);
    }
  }
  if (in_features > kMaxInFeatures) {
    return ctx.fail(Error::NotSupported, "%d input features exceed %lld", in_features, (long long)kMaxInFeatures);
  }
  ETB_RETURN_IF_ERROR(check_vector(ctx, bias, out_features, "bias"));
  ETB_RETURN_IF_ERROR(check_vector(ctx, kernel_sum, out_features, "kernel_sum"));
  ETB_RETURN_IF_ERROR(check_requant_lists(ctx, requantize_multipliers, requantize_shifts));
  ETB_RETURN_IF_ERROR(check_range(ctx, input_offset, -127, 128, "input_offset"));
  ETB_RETURN_IF_ERROR(check_range(ctx, filter_offset, -127, 128, "filter_offset"));
  ETB_RETURN_IF_ERROR(check_range(ctx, output_offset, -128, 127, "output_offset"));
  return check_activation(ctx, activation_min, activation_max);
}

Error quantized_linear_out(KernelContext& ctx, const Tensor& input, const Tensor& weights, const Tensor* bias,
                           const Tensor* kernel_sum, int64_t input_offset, int64_t filter_offset,
                           int64_t output_offset, Span<const int64_t> requantize_multipliers,
                           Span<const int64_t> requantize_shifts, int64_t activation_max, int64_t activation_min,
                           Tensor& out) {
  const int64_t out_features = weights.sizes[0], in_features = weights.sizes[1];
  int64_t batches = 1;
  for (int32_t d = 0; d + 1 < input.dim; d++) batches *= input.sizes[d];
  const int8_t* x = input.data_as<const int8_t>();
  const int8_t* w = weights.data_as<const int8_t>();
  // kernel_sum (Helium builds) already folds input_offset * sum(w) into the bias.
  const bool folded = kernel_sum != nullptr;
  const Tensor* base = folded ? kernel_sum : bias;
  const int32_t* b = base != nullptr ? base->data_as<const int32_t>() : nullptr;
  const int32_t in_off = folded ? 0 : int32_t(input_offset), w_off = int32_t(filter_offset);
  const int32_t out_off = int32_t(output_offset);
  const int32_t mult = int32_t(requantize_multipliers[0]), shift = int32_t(requantize_shifts[0]);
  const int32_t lo = int32_t(activation_min), hi = int32_t(activation_max);
  int8_t* y = out.data_as<int8_t>();
  for (int64_t r = 0; r < batches; r++) {
    const int8_t* xr = x + r * in_features;
    for (int64_t o = 0; o < out_features; o++) {
      const int8_t* wr = w + o * in_features;
      int32_t sum = 0;
      for (int64_t i = 0; i < in_features; i++) sum += (int32_t(xr[i]) + in_off) * (int32_t(wr[i]) + w_off);
      const int32_t acc = wrap_i32(int64_t(sum) + (b != nullptr ? b[o] : 0));
      y[r * out_features + o] = offset_and_clamp(requantize(acc, mult, shift), out_off, lo, hi);
    }
  }
  return Error::Ok;
}

}  // namespace quantized
}  // namespace etb
