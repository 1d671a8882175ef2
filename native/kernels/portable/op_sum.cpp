// aten::sum.IntList_out: sum over `dim` (None or [] = every dim), computed
// in out's dtype as ATen's out variant does (`dtype`, when given, must be
// out's dtype): self is converted to it first, integers wrap, bool is any,
// floating types accumulate in double.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/reduce_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_sum(KernelContext& ctx, const Tensor& self, const Optional<ScalarType>& dtype, const Tensor& out) {
  if (dtype.has_value && dtype.value != out.dtype) {
    return ctx.fail(Error::NotSupported, "dtype %s differs from out's dtype %s", scalar_type_name(dtype.value),
                    scalar_type_name(out.dtype));
  }
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(out.dtype)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s -> %s)", scalar_type_name(self.dtype),
                    scalar_type_name(out.dtype));
  }
  if (is_floating(self.dtype) && !is_floating(out.dtype)) {
    return ctx.fail(Error::NotSupported, "summing %s into %s would truncate", scalar_type_name(self.dtype),
                    scalar_type_name(out.dtype));
  }
  return Error::Ok;
}

}  // namespace

Error sum_IntList_out_prepare(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim,
                              bool keepdim, const Optional<ScalarType>& dtype, Tensor& out) {
  ReducePlan p;
  ETB_RETURN_IF_ERROR(check_sum(ctx, self, dtype, out));
  return plan_reduce(ctx, self, dim.has_value ? &dim.value : nullptr, keepdim, true, &p);
}

Error sum_IntList_out(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim, bool keepdim,
                      const Optional<ScalarType>& dtype, Tensor& out) {
  ReducePlan p;
  ETB_RETURN_IF_ERROR(check_sum(ctx, self, dtype, out));
  ETB_RETURN_IF_ERROR(plan_reduce(ctx, self, dim.has_value ? &dim.value : nullptr, keepdim, true, &p));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, p.out_sizes, p.out_dim));
  bind_reduce_out(&p, out);
  if (out.dtype == ScalarType::Bool) {
    for_each_reduction(p, [&](int64_t o, int64_t in0) {
      bool any = false;
      for_each_reduced(p, in0, [&](int64_t i) { any = any || load_as<double>(self.data, self.dtype, i) != 0; });
      static_cast<uint8_t*>(out.data)[o] = any ? 1 : 0;
    });
    return Error::Ok;
  }
  if (is_floating(out.dtype)) {
    for_each_reduction(p, [&](int64_t o, int64_t in0) {
      double s = 0;
      for_each_reduced(p, in0, [&](int64_t i) { s += load_as<double>(self.data, self.dtype, i); });
      store_as<double>(out.data, out.dtype, o, s);
    });
    return Error::Ok;
  }
  // Integer out: sums wrap in out's width, which int64 arithmetic truncated at the store reproduces.
  for_each_reduction(p, [&](int64_t o, int64_t in0) {
    uint64_t s = 0;
    for_each_reduced(p, in0, [&](int64_t i) { s += uint64_t(load_as<int64_t>(self.data, self.dtype, i)); });
    store_as<int64_t>(out.data, out.dtype, o, int64_t(s));
  });
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
