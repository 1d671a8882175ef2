#include "kernels/portable/util/softmax_util.h"

#include <math.h>

#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {

Error check_softmax(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, const Tensor& out) {
  if (half_to_float) return ctx.fail(Error::NotSupported, "half_to_float is not supported on CPU");
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, self, "self", false));
  const char* names[] = {"out"};
  const Tensor* ts[] = {&out};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, self.dtype, names, ts, 1));
  int32_t d;
  return wrap_dim(ctx, dim, self.dim, &d);
}

Error softmax_common(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, Tensor& out, bool log) {
  ETB_RETURN_IF_ERROR(check_softmax(ctx, self, dim, half_to_float, out));
  int32_t d;
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, self.dim, &d));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, self.sizes, self.dim));
  if (self.numel() == 0) return Error::Ok;
  // Walk every position with dim's index fixed at 0 (a 0-d tensor is one row of one).
  int32_t sizes[kMaxTensorRank];
  for (int32_t k = 0; k < self.dim; k++) sizes[k] = k == d ? 1 : self.sizes[k];
  const int64_t n = self.dim == 0 ? 1 : self.sizes[d];
  const int64_t si = self.dim == 0 ? 0 : self.strides[d], so = self.dim == 0 ? 0 : out.strides[d];
  int64_t idx[kMaxTensorRank] = {};
  do {
    const int64_t i0 = offset_of(self, idx), o0 = offset_of(out, idx);
    double mx = -INFINITY;
    for (int64_t j = 0; j < n; j++) {
      double v = load_as<double>(self.data, self.dtype, i0 + j * si);
      if (v > mx) mx = v;  // a NaN in the row makes the sum, hence every output, NaN
    }
    double sum = 0;
    for (int64_t j = 0; j < n; j++) sum += exp(load_as<double>(self.data, self.dtype, i0 + j * si) - mx);
    const double lse = ::log(sum);
    for (int64_t j = 0; j < n; j++) {
      double x = load_as<double>(self.data, self.dtype, i0 + j * si) - mx;
      store_as<double>(out.data, out.dtype, o0 + j * so, log ? x - lse : exp(x) / sum);
    }
  } while (next_index(idx, sizes, self.dim));
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
