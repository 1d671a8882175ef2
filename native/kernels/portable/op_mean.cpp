// aten::mean.out: the sum over `dim` (None or [] = every dim) divided by the
// count, for floating self and a floating out (`dtype`, when given, must be
// out's dtype). Accumulates in double; an empty reduction gives NaN.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/reduce_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_mean(KernelContext& ctx, const Tensor& self, const Optional<ScalarType>& dtype, const Tensor& out) {
  if (dtype.has_value && dtype.value != out.dtype) {
    return ctx.fail(Error::NotSupported, "dtype %s differs from out's dtype %s", scalar_type_name(dtype.value),
                    scalar_type_name(out.dtype));
  }
  if (!is_floating(self.dtype) || !is_floating(out.dtype)) {
    return ctx.fail(Error::NotSupported, "mean of %s into %s: floating types only", scalar_type_name(self.dtype),
                    scalar_type_name(out.dtype));
  }
  return Error::Ok;
}

}  // namespace

Error mean_out_prepare(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim, bool keepdim,
                       const Optional<ScalarType>& dtype, Tensor& out) {
  ReducePlan p;
  ETB_RETURN_IF_ERROR(check_mean(ctx, self, dtype, out));
  return plan_reduce(ctx, self, dim.has_value ? &dim.value : nullptr, keepdim, true, &p);
}

Error mean_out(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim, bool keepdim,
               const Optional<ScalarType>& dtype, Tensor& out) {
  ReducePlan p;
  ETB_RETURN_IF_ERROR(check_mean(ctx, self, dtype, out));
  ETB_RETURN_IF_ERROR(plan_reduce(ctx, self, dim.has_value ? &dim.value : nullptr, keepdim, true, &p));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, p.out_sizes, p.out_dim));
  bind_reduce_out(&p, out);
  for_each_reduction(p, [&](int64_t o, int64_t in0) {
    double s = 0;
    for_each_reduced(p, in0, [&](int64_t i) { s += load_as<double>(self.data, self.dtype, i); });
    store_as<double>(out.data, out.dtype, o, s / double(p.count));
  });
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
