// Optimized float32 native_layer_norm.out and
// _native_batch_norm_legit_no_training.out over dense tensors. Layer norm:
// per row, mean and variance summed in double over vector lanes (the
// portable kernel's two passes, so out1/out2 agree with it to float
// rounding), then ((x - mean) * rstd) * weight + bias in float32. Batch
// norm: per (batch, channel) plane, (x - mean) * (weight / sqrt(var + eps))
// + bias with the factors formed in double. Other dtypes and layouts, and
// empty normalized shapes, use the portable kernels.
#include <math.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/pointwise.h"
#include "kernels/optimized/util/vec_ops.h"

namespace etb {
namespace optimized {
namespace {

bool dense_or_null(const Tensor* t) { return t == nullptr || dense_f32(*t); }

bool ln_handles(const Tensor& input, Span<const int64_t> shape, const Tensor* weight, const Tensor* bias,
                const Tensor& out0, const Tensor& out1, const Tensor& out2) {
  if (!dense_f32(input) || !dense_f32(out0) || !dense_f32(out1) || !dense_f32(out2)) return false;
  if (!dense_or_null(weight) || !dense_or_null(bias)) return false;
  if (shape.size() < 1 || int64_t(shape.size()) > input.dim) return false;
  int64_t count = 1;
  for (size_t k = 0; k < shape.size(); k++) count *= shape[k];
  return count > 0;
}

}  // namespace

Error opt_native_layer_norm_out_prepare(KernelContext& ctx, const Tensor& input, Span<const int64_t> normalized_shape,
                                        const Tensor* weight, const Tensor* bias, double eps, Tensor& out0,
                                        Tensor& out1, Tensor& out2) {
  if (!ln_handles(input, normalized_shape, weight, bias, out0, out1, out2)) {
    return ctx.fail(Error::NotSupported, "handles dense float32 tensors and a non-empty normalized shape only");
  }
  return portable::native_layer_norm_out_prepare(ctx, input, normalized_shape, weight, bias, eps, out0, out1, out2);
}

Error opt_native_layer_norm_out(KernelContext& ctx, const Tensor& input, Span<const int64_t> normalized_shape,
                                const Tensor* weight, const Tensor* bias, double eps, Tensor& out0, Tensor& out1,
                                Tensor& out2) {
  if (!ln_handles(input, normalized_shape, weight, bias, out0, out1, out2)) {
    return portable::native_layer_norm_out(ctx, input, normalized_shape, weight, bias, eps, out0, out1, out2);
  }
  // The shape checks are the portable kernel's (cheap, and shapes may change between calls).
  ETB_RETURN_IF_ERROR(
      portable::native_layer_norm_out_prepare(ctx, input, normalized_shape, weight, bias, eps, out0, out1, out2));
  const int32_t lead = input.dim - int32_t(normalized_shape.size());
  int32_t stat[kMaxTensorRank];
  int64_t rows = 1;
  for (int32_t k = 0; k < input.dim; k++) {
    stat[k] = k < lead ? input.sizes[k] : 1;
    rows *= stat[k];
  }
  ETB_RETURN_IF_ERROR(resize_to(ctx, out0, input.sizes, input.dim));
  ETB_RETURN_IF_ERROR(resize_to(ctx, out1, stat, input.dim));
  ETB_RETURN_IF_ERROR(resize_to(ctx, out2, stat, input.dim));
  const int64_t n = rows == 0 ? 0 : input.numel() / rows;
  if (rows == 0 || n == 0) return Error::Ok;
  const VecOps& v = vec_ops();
  const float* x = input.data_as<const float>();
  const float* w = weight != nullptr ? weight->data_as<const float>() : nullptr;
  const float* b = bias != nullptr ? bias->data_as<const float>() : nullptr;
  float* y = out0.data_as<float>();
  float* mean_out = out1.data_as<float>();
  float* rstd_out = out2.data_as<float>();
  for_range(ctx, rows, 1 + 16384 / n, 6.0 * double(n), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* xr = x + r * n;
      const double mean = v.row_sum_d(xr, n) / double(n);
      const double rstd = 1.0 / sqrt(v.row_sq_dev_d(xr, mean, n) / double(n) + eps);
      mean_out[r] = float(mean);
      rstd_out[r] = float(rstd);
      v.row_norm(xr, float(mean), float(rstd), w, b, y + r * n, n);
    }
  });
  return Error::Ok;
}

namespace {

bool bn_handles(const Tensor& input, const Tensor* weight, const Tensor* bias, const Tensor& mean, const Tensor& var,
                const Tensor& out0) {
  return input.dim >= 2 && dense_f32(input) && dense_f32(out0) && dense_or_null(weight) && dense_or_null(bias) &&
         dense_f32(mean) && dense_f32(var);
}

}  // namespace

Error opt__native_batch_norm_legit_no_training_out_prepare(KernelContext& ctx, const Tensor& input,
                                                           const Tensor* weight, const Tensor* bias,
                                                           const Tensor& running_mean, const Tensor& running_var,
                                                           double momentum, double eps, Tensor& out0, Tensor& out1,
                                                           Tensor& out2) {
  if (!bn_handles(input, weight, bias, running_mean, running_var, out0)) {
    return ctx.fail(Error::NotSupported, "handles dense float32 tensors of rank >= 2 only");
  }
  return portable::_native_batch_norm_legit_no_training_out_prepare(ctx, input, weight, bias, running_mean,
                                                                    running_var, momentum, eps, out0, out1, out2);
}

Error opt__native_batch_norm_legit_no_training_out(KernelContext& ctx, const Tensor& input, const Tensor* weight,
                                                   const Tensor* bias, const Tensor& running_mean,
                                                   const Tensor& running_var, double momentum, double eps,
                                                   Tensor& out0, Tensor& out1, Tensor& out2) {
  if (!bn_handles(input, weight, bias, running_mean, running_var, out0)) {
    return portable::_native_batch_norm_legit_no_training_out(ctx, input, weight, bias, running_mean, running_var,
                                                              momentum, eps, out0, out1, out2);
  }
  ETB_RETURN_IF_ERROR(portable::_native_batch_norm_legit_no_training_out_prepare(
      ctx, input, weight, bias, running_mean, running_var, momentum, eps, out0, out1, out2));
  ETB_RETURN_IF_ERROR(resize_to(ctx, out0, input.sizes, input.dim));
  const int32_t empty[1] = {0};
  ETB_RETURN_IF_ERROR(resize_to(ctx, out1, empty, 1));
  ETB_RETURN_IF_ERROR(resize_to(ctx, out2, empty, 1));
  const int64_t C = input.sizes[1];
  int64_t inner = 1;
  for (int32_t k = 2; k < input.dim; k++) inner *= input.sizes[k];
  const int64_t total = int64_t(input.sizes[0]) * C;
  if (total == 0 || inner == 0) return Error::Ok;
  const VecOps& v = vec_ops();
  const float* x = input.data_as<const float>();
  const float* w = weight != nullptr ? weight->data_as<const float>() : nullptr;
  const float* b = bias != nullptr ? bias->data_as<const float>() : nullptr;
  const float* m = running_mean.data_as<const float>();
  const float* var = running_var.data_as<const float>();
  float* y = out0.data_as<float>();
  for_range(ctx, total, 1 + 16384 / inner, 2.0 * double(inner), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      const int64_t c = p % C;
      const double scale = (w != nullptr ? double(w[c]) : 1.0) / sqrt(double(var[c]) + eps);
      v.row_affine(x + p * inner, m[c], float(scale), b != nullptr ? b[c] : 0.0f, y + p * inner, inner);
    }
  });
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb
