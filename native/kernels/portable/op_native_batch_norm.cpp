// aten::_native_batch_norm_legit_no_training.out: inference batch norm over
// dim 1 of input [N, C, ...]: out0 = (x - running_mean) / sqrt(running_var +
// eps) * weight + bias (weight and bias optional). out1 and out2 (the saved
// statistics of training) are resized to [0], as ATen returns them in eval
// mode. One floating dtype for all; any dim order.
#include <math.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_bn(KernelContext& ctx, const Tensor& input, const Tensor* weight, const Tensor* bias,
               const Tensor& running_mean, const Tensor& running_var, const Tensor& out0, const Tensor& out1,
               const Tensor& out2) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, input, "input", false));
  const char* names[] = {"weight", "bias", "running_mean", "running_var", "out0", "out1", "out2"};
  const Tensor* ts[] = {weight, bias, &running_mean, &running_var, &out0, &out1, &out2};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, input.dtype, names, ts, 7));
  if (input.dim < 2) return ctx.fail(Error::InvalidArgument, "input has rank %d, expected at least 2", input.dim);
  const int32_t c = input.sizes[1];
  const Tensor* params[] = {weight, bias, &running_mean, &running_var};
  for (int i = 0; i < 4; i++) {
    const Tensor* t = params[i];
    if (t != nullptr && (t->dim != 1 || t->sizes[0] != c)) {
      return ctx.fail(Error::InvalidArgument, "%s must be [%d] (input's channels)", names[i], c);
    }
  }
  return Error::Ok;
}

}  // namespace

Error _native_batch_norm_legit_no_training_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor* weight,
                                                       const Tensor* bias, const Tensor& running_mean,
                                                       const Tensor& running_var, double momentum, double eps,
                                                       Tensor& out0, Tensor& out1, Tensor& out2) {
  return check_bn(ctx, input, weight, bias, running_mean, running_var, out0, out1, out2);
}

Error _native_batch_norm_legit_no_training_out(KernelContext& ctx, const Tensor& input, const Tensor* weight,
                                               const Tensor* bias, const Tensor& running_mean,
                                               const Tensor& running_var, double momentum, double eps, Tensor& out0,
                                               Tensor& out1, Tensor& out2) {
  ETB_RETURN_IF_ERROR(check_bn(ctx, input, weight, bias, running_mean, running_var, out0, out1, out2));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out0, input.sizes, input.dim));
  const int32_t empty[1] = {0};
  ETB_RETURN_IF_ERROR(resize_out(ctx, out1, empty, 1));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out2, empty, 1));
  if (input.numel() == 0) return Error::Ok;
  auto param = [](const Tensor* t, int64_t c, double fallback) {
    return t == nullptr ? fallback : load_as<double>(t->data, t->dtype, c * t->strides[0]);
  };
  if (input.is_contiguous() && out0.is_contiguous()) {
    // [N, C, inner] walked in memory order with the channel's parameters hoisted; the same
    // arithmetic per element as the general walk below.
    const int64_t N = input.sizes[0], C = input.sizes[1], inner = input.numel() / (N * C);
    return dispatch_storage(ctx, input.dtype, false, [&](auto tag) {
      using T = decltype(tag);
      const T* x = input.data_as<const T>();
      T* y = out0.data_as<T>();
      for (int64_t n = 0; n < N; n++) {
        for (int64_t c = 0; c < C; c++) {
          const double mean = param(&running_mean, c, 0), sd = sqrt(param(&running_var, c, 1) + eps);
          const double w = param(weight, c, 1), b = param(bias, c, 0);
          const int64_t base = (n * C + c) * inner;
          for (int64_t i = 0; i < inner; i++) st(y, base + i, (ld(x, base + i) - mean) / sd * w + b);
        }
      }
    });
  }
  int64_t idx[kMaxTensorRank] = {};
  do {
    const int64_t c = idx[1];
    const double mean = param(&running_mean, c, 0), var = param(&running_var, c, 1);
    const double x = load_as<double>(input.data, input.dtype, offset_of(input, idx));
    const double y = (x - mean) / sqrt(var + eps) * param(weight, c, 1) + param(bias, c, 0);
    store_as<double>(out0.data, out0.dtype, offset_of(out0, idx), y);
  } while (next_index(idx, input.sizes, input.dim));
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
