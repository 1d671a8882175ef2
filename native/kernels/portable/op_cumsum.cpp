// aten::cumsum.out: running sums along dim, computed in out's dtype as
// ATen's out variant does (`dtype`, when given, must be out's dtype; bool
// out is refused): integers wrap, floating types accumulate in double.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_cumsum(KernelContext& ctx, const Tensor& self, int64_t dim, const Optional<ScalarType>& dtype,
                   const Tensor& out) {
  if (dtype.has_value && dtype.value != out.dtype) {
    return ctx.fail(Error::NotSupported, "dtype %s differs from out's dtype %s", scalar_type_name(dtype.value),
                    scalar_type_name(out.dtype));
  }
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(out.dtype) || out.dtype == ScalarType::Bool ||
      (is_floating(self.dtype) && !is_floating(out.dtype))) {
    return ctx.fail(Error::NotSupported, "cumsum of %s into %s is not supported", scalar_type_name(self.dtype),
                    scalar_type_name(out.dtype));
  }
  int32_t d;
  return wrap_dim(ctx, dim, self.dim, &d);
}

}  // namespace

Error cumsum_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, const Optional<ScalarType>& dtype,
                         Tensor& out) {
  return check_cumsum(ctx, self, dim, dtype, out);
}

Error cumsum_out(KernelContext& ctx, const Tensor& self, int64_t dim, const Optional<ScalarType>& dtype, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_cumsum(ctx, self, dim, dtype, out));
  int32_t d;
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, self.dim, &d));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, self.sizes, self.dim));
  if (self.numel() == 0) return Error::Ok;
  int32_t sizes[kMaxTensorRank];
  for (int32_t k = 0; k < self.dim; k++) sizes[k] = k == d ? 1 : self.sizes[k];
  const int64_t n = self.dim == 0 ? 1 : self.sizes[d];
  const int64_t si = self.dim == 0 ? 0 : self.strides[d], so = self.dim == 0 ? 0 : out.strides[d];
  const bool floating = is_floating(out.dtype);
  int64_t idx[kMaxTensorRank] = {};
  do {
    const int64_t i0 = offset_of(self, idx), o0 = offset_of(out, idx);
    double fs = 0;
    uint64_t is = 0;
    for (int64_t j = 0; j < n; j++) {
      if (floating) {
        fs += load_as<double>(self.data, self.dtype, i0 + j * si);
        store_as<double>(out.data, out.dtype, o0 + j * so, fs);
      } else {
        is += uint64_t(load_as<int64_t>(self.data, self.dtype, i0 + j * si));
        store_as<int64_t>(out.data, out.dtype, o0 + j * so, int64_t(is));
      }
    }
  } while (next_index(idx, sizes, self.dim));
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
