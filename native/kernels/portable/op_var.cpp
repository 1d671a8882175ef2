// aten::var.correction_out: sum((x - mean)^2) / max(0, count - correction)
// over dim (None or [] = every dim; correction None = 1), for floating self
// and out of the same dtype; two passes in double. A zero divisor gives inf
// (or NaN for a zero sum), as ATen.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/reduce_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_var(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim, bool keepdim,
                const Tensor& out, ReducePlan* p) {
  if (!is_floating(self.dtype) || out.dtype != self.dtype) {
    return ctx.fail(Error::NotSupported, "var of %s into %s: floating types, out of self's dtype", scalar_type_name(self.dtype),
                    scalar_type_name(out.dtype));
  }
  return plan_reduce(ctx, self, dim.has_value ? &dim.value : nullptr, keepdim, true, p);
}

}  // namespace

Error var_correction_out_prepare(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim,
                                 const Optional<Scalar>& correction, bool keepdim, Tensor& out) {
  ReducePlan p;
  return check_var(ctx, self, dim, keepdim, out, &p);
}

Error var_correction_out(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim,
                         const Optional<Scalar>& correction, bool keepdim, Tensor& out) {
  ReducePlan p;
  ETB_RETURN_IF_ERROR(check_var(ctx, self, dim, keepdim, out, &p));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, p.out_sizes, p.out_dim));
  bind_reduce_out(&p, out);
  const double c = correction.has_value ? correction.value.to_double() : 1.0;
  const double div = double(p.count) - c > 0 ? double(p.count) - c : 0.0;
  for_each_reduction(p, [&](int64_t o, int64_t in0) {
    double s = 0;
    for_each_reduced(p, in0, [&](int64_t i) { s += load_as<double>(self.data, self.dtype, i); });
    const double mean = s / double(p.count);
    double ss = 0;
    for_each_reduced(p, in0, [&](int64_t i) {
      const double dv = load_as<double>(self.data, self.dtype, i) - mean;
      ss += dv * dv;
    });
    store_as<double>(out.data, out.dtype, o, ss / div);
  });
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
