// aten::native_layer_norm.out: normalizes over the trailing dims given by
// normalized_shape. out0 = (x - mean) * rstd * weight + bias; out1 = mean and
// out2 = rstd = 1 / sqrt(biased var + eps), both shaped like input with the
// normalized dims set to 1. Statistics in double (two passes). One floating
// dtype for all; any dim order.
#include <math.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_ln(KernelContext& ctx, const Tensor& input, Span<const int64_t> shape, const Tensor* weight,
               const Tensor* bias, const Tensor& out0, const Tensor& out1, const Tensor& out2) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, input, "input", false));
  const char* names[] = {"weight", "bias", "out0", "out1", "out2"};
  const Tensor* ts[] = {weight, bias, &out0, &out1, &out2};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, input.dtype, names, ts, 5));
  const int32_t n = int32_t(shape.size());
  if (n < 1 || n > input.dim) {
    return ctx.fail(Error::InvalidArgument, "normalized_shape has %d dims, input has rank %d", n, input.dim);
  }
  for (int32_t k = 0; k < n; k++) {
    if (shape[size_t(k)] != input.sizes[input.dim - n + k]) {
      return ctx.fail(Error::InvalidArgument, "normalized_shape[%d] = %lld does not match input's size %d", k,
                      static_cast<long long>(shape[size_t(k)]), input.sizes[input.dim - n + k]);
    }
  }
  const Tensor* params[] = {weight, bias};
  for (int i = 0; i < 2; i++) {
    const Tensor* t = params[i];
    if (t == nullptr) continue;
    bool ok = t->dim == n;
    for (int32_t k = 0; ok && k < n; k++) ok = t->sizes[k] == shape[size_t(k)];
    if (!ok) return ctx.fail(Error::InvalidArgument, "%s must have normalized_shape", names[i]);
  }
  return Error::Ok;
}

}  // namespace

Error native_layer_norm_out_prepare(KernelContext& ctx, const Tensor& input, Span<const int64_t> normalized_shape,
                                    const Tensor* weight, const Tensor* bias, double eps, Tensor& out0, Tensor& out1,
                                    Tensor& out2) {
  return check_ln(ctx, input, normalized_shape, weight, bias, out0, out1, out2);
}

Error native_layer_norm_out(KernelContext& ctx, const Tensor& input, Span<const int64_t> normalized_shape,
                            const Tensor* weight, const Tensor* bias, double eps, Tensor& out0, Tensor& out1,
                            Tensor& out2) {
  ETB_RETURN_IF_ERROR(check_ln(ctx, input, normalized_shape, weight, bias, out0, out1, out2));
  const int32_t lead = input.dim - int32_t(normalized_shape.size());
  int32_t stat[kMaxTensorRank];
  for (int32_t k = 0; k < input.dim; k++) stat[k] = k < lead ? input.sizes[k] : 1;
  ETB_RETURN_IF_ERROR(resize_out(ctx, out0, input.sizes, input.dim));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out1, stat, input.dim));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out2, stat, input.dim));
  if (out1.numel() == 0) return Error::Ok;
  const int32_t* inner = input.sizes + lead;
  const int32_t nd = input.dim - lead;
  int64_t count = 1;
  for (int32_t k = 0; k < nd; k++) count *= inner[k];
  // Offset of a normalized-part index in a tensor whose last nd dims are it.
  auto inner_off = [nd](const Tensor& t, const int64_t* j) {
    int64_t o = 0;
    for (int32_t k = 0; k < nd; k++) o += j[k] * t.strides[t.dim - nd + k];
    return o;
  };
  int64_t idx[kMaxTensorRank] = {};
  do {
    const int64_t in0 = offset_of(input, idx), out00 = offset_of(out0, idx);
    int64_t j[kMaxTensorRank] = {};
    double sum = 0;
    if (count > 0) {
      do sum += load_as<double>(input.data, input.dtype, in0 + inner_off(input, j));
      while (next_index(j, inner, nd));
    }
    const double mean = sum / double(count);
    double ss = 0;
    if (count > 0) {
      do {
        const double d = load_as<double>(input.data, input.dtype, in0 + inner_off(input, j)) - mean;
        ss += d * d;
      } while (next_index(j, inner, nd));
    }
    const double rstd = 1.0 / sqrt(ss / double(count) + eps);
    if (count > 0) {
      do {
        double y = (load_as<double>(input.data, input.dtype, in0 + inner_off(input, j)) - mean) * rstd;
        if (weight != nullptr) y *= load_as<double>(weight->data, weight->dtype, inner_off(*weight, j));
        if (bias != nullptr) y += load_as<double>(bias->data, bias->dtype, inner_off(*bias, j));
        store_as<double>(out0.data, out0.dtype, out00 + inner_off(out0, j), y);
      } while (next_index(j, inner, nd));
    }
    store_as<double>(out1.data, out1.dtype, offset_of(out1, idx), mean);
    store_as<double>(out2.data, out2.dtype, offset_of(out2, idx), rstd);
  } while (next_index(idx, input.sizes, lead));
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
