// aten::native_group_norm.out: input [N, C, *] (HxW elements per channel)
// split into `group` groups of C / group channels; each (n, g) is normalized
// by its mean and rstd = 1 / sqrt(biased var + eps), then scaled per channel
// by weight and shifted by bias (optional). out1 = mean and out2 = rstd, both
// [N, group]. Statistics in double (two passes); one floating dtype for all.
#include <math.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_gn(KernelContext& ctx, const Tensor& input, const Tensor* weight, const Tensor* bias, int64_t N, int64_t C,
               int64_t HxW, int64_t group, const Tensor& out0, const Tensor& out1, const Tensor& out2) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, input, "input", false));
  const char* names[] = {"weight", "bias", "out0", "out1", "out2"};
  const Tensor* ts[] = {weight, bias, &out0, &out1, &out2};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, input.dtype, names, ts, 5));
  if (input.dim < 2 || input.sizes[0] != N || input.sizes[1] != C || N * C * HxW != input.numel()) {
    return ctx.fail(Error::InvalidArgument, "input does not have N=%lld, C=%lld, HxW=%lld", static_cast<long long>(N),
                    static_cast<long long>(C), static_cast<long long>(HxW));
  }
  if (group < 1 || C % group != 0) {
    return ctx.fail(Error::InvalidArgument, "C=%lld is not divisible by group=%lld", static_cast<long long>(C),
                    static_cast<long long>(group));
  }
  const Tensor* params[] = {weight, bias};
  for (int i = 0; i < 2; i++) {
    if (params[i] != nullptr && (params[i]->dim != 1 || params[i]->sizes[0] != C)) {
      return ctx.fail(Error::InvalidArgument, "%s must be [%lld]", names[i], static_cast<long long>(C));
    }
  }
  return Error::Ok;
}

}  // namespace

Error native_group_norm_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor* weight, const Tensor* bias,
                                    int64_t N, int64_t C, int64_t HxW, int64_t group, double eps, Tensor& out0,
                                    Tensor& out1, Tensor& out2) {
  return check_gn(ctx, input, weight, bias, N, C, HxW, group, out0, out1, out2);
}

Error native_group_norm_out(KernelContext& ctx, const Tensor& input, const Tensor* weight, const Tensor* bias,
                            int64_t N, int64_t C, int64_t HxW, int64_t group, double eps, Tensor& out0, Tensor& out1,
                            Tensor& out2) {
  ETB_RETURN_IF_ERROR(check_gn(ctx, input, weight, bias, N, C, HxW, group, out0, out1, out2));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out0, input.sizes, input.dim));
  const int32_t stat[2] = {int32_t(N), int32_t(group)};
  ETB_RETURN_IF_ERROR(resize_out(ctx, out1, stat, 2));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out2, stat, 2));
  const int64_t cg = C / group;
  // Spatial positions of a channel in logical row-major order: idx over dims 2.. of input.
  const int32_t sp = input.dim - 2;
  const int32_t* ssz = input.sizes + 2;
  auto spatial = [&](const Tensor& t, const int64_t* j) {
    int64_t o = 0;
    for (int32_t k = 0; k < sp; k++) o += j[k] * t.strides[k + 2];
    return o;
  };
  const double count = double(cg * HxW);
  for (int64_t n = 0; n < N; n++) {
    for (int64_t g = 0; g < group; g++) {
      double s = 0, ss = 0;
      for (int pass = 0; pass < 3; pass++) {
        const double mean = s / count, rstd = 1.0 / sqrt(ss / count + eps);
        for (int64_t c = g * cg; c < (g + 1) * cg; c++) {
          int64_t j[kMaxTensorRank] = {};
          if (HxW == 0) continue;
          do {
            const double x = load_as<double>(input.data, input.dtype, n * input.strides[0] + c * input.strides[1] + spatial(input, j));
            if (pass == 0) {
              s += x;
            } else if (pass == 1) {
              ss += (x - s / count) * (x - s / count);
            } else {
              double y = (x - mean) * rstd;
              if (weight != nullptr) y *= load_as<double>(weight->data, weight->dtype, c * weight->strides[0]);
              if (bias != nullptr) y += load_as<double>(bias->data, bias->dtype, c * bias->strides[0]);
              store_as<double>(out0.data, out0.dtype, n * out0.strides[0] + c * out0.strides[1] + spatial(out0, j), y);
            }
          } while (next_index(j, ssz, sp));
        }
        if (pass == 2) {
          store_as<double>(out1.data, out1.dtype, n * out1.strides[0] + g * out1.strides[1], mean);
          store_as<double>(out2.data, out2.dtype, n * out2.strides[0] + g * out2.strides[1], rstd);
        }
      }
    }
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
