// amax/amin and argmax/argmin bodies (declared in reduce_util.h).
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/reduce_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error plan_extreme(KernelContext& ctx, const Tensor& self, Span<const int64_t> dim, bool keepdim, ReducePlan* p) {
  ETB_RETURN_IF_ERROR(plan_reduce(ctx, self, &dim, keepdim, true, p));
  if (p->count == 0) return ctx.fail(Error::InvalidArgument, "cannot reduce over an empty dim (no identity)");
  return Error::Ok;
}

Error plan_arg(KernelContext& ctx, const Tensor& self, const Optional<int64_t>& dim, bool keepdim, ReducePlan* p) {
  if (!dim.has_value) {
    ETB_RETURN_IF_ERROR(plan_reduce(ctx, self, nullptr, keepdim, true, p));
  } else {
    Span<const int64_t> one(&dim.value, 1);
    ETB_RETURN_IF_ERROR(plan_reduce(ctx, self, &one, keepdim, false, p));
  }
  if (p->count == 0) return ctx.fail(Error::InvalidArgument, "cannot take the arg extreme of an empty dim");
  return Error::Ok;
}

}  // namespace

Error extreme_check(KernelContext& ctx, const Tensor& self, Span<const int64_t> dim, bool keepdim, const Tensor& out) {
  if (!is_elementwise_dtype(self.dtype)) return ctx.fail(Error::NotSupported, "self of dtype %s", scalar_type_name(self.dtype));
  if (out.dtype != self.dtype) {
    return ctx.fail(Error::NotSupported, "out is %s but self is %s", scalar_type_name(out.dtype), scalar_type_name(self.dtype));
  }
  ReducePlan p;
  return plan_reduce(ctx, self, &dim, keepdim, true, &p);
}

Error extreme_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> dim, bool keepdim, Tensor& out, bool max) {
  ETB_RETURN_IF_ERROR(extreme_check(ctx, self, dim, keepdim, out));
  ReducePlan p;
  ETB_RETURN_IF_ERROR(plan_extreme(ctx, self, dim, keepdim, &p));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, p.out_sizes, p.out_dim));
  bind_reduce_out(&p, out);
  if (is_floating(self.dtype)) {
    for_each_reduction(p, [&](int64_t o, int64_t in0) {
      double best = load_as<double>(self.data, self.dtype, in0);
      for_each_reduced(p, in0, [&](int64_t i) {
        const double v = load_as<double>(self.data, self.dtype, i);
        if (best != best) return;  // NaN stays
        if (v != v || (max ? v > best : v < best)) best = v;
      });
      store_as<double>(out.data, out.dtype, o, best);
    });
  } else {
    for_each_reduction(p, [&](int64_t o, int64_t in0) {
      int64_t best = load_as<int64_t>(self.data, self.dtype, in0);
      for_each_reduced(p, in0, [&](int64_t i) {
        const int64_t v = load_as<int64_t>(self.data, self.dtype, i);
        if (max ? v > best : v < best) best = v;
      });
      store_as<int64_t>(out.data, out.dtype, o, best);
    });
  }
  return Error::Ok;
}

Error arg_extreme_check(KernelContext& ctx, const Tensor& self, const Optional<int64_t>& dim, bool keepdim,
                        const Tensor& out) {
  if (!is_elementwise_dtype(self.dtype) || self.dtype == ScalarType::Bool) {
    return ctx.fail(Error::NotSupported, "self of dtype %s", scalar_type_name(self.dtype));
  }
  if (out.dtype != ScalarType::Long) return ctx.fail(Error::NotSupported, "out must be int64, got %s", scalar_type_name(out.dtype));
  if (dim.has_value) {
    int32_t d;
    ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim.value, self.dim, &d));
  }
  return Error::Ok;
}

Error arg_extreme_out(KernelContext& ctx, const Tensor& self, const Optional<int64_t>& dim, bool keepdim, Tensor& out,
                      bool max) {
  ETB_RETURN_IF_ERROR(arg_extreme_check(ctx, self, dim, keepdim, out));
  ReducePlan p;
  ETB_RETURN_IF_ERROR(plan_arg(ctx, self, dim, keepdim, &p));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, p.out_sizes, p.out_dim));
  bind_reduce_out(&p, out);
  int64_t* dst = out.data_as<int64_t>();
  const bool floating = is_floating(self.dtype);
  for_each_reduction(p, [&](int64_t o, int64_t in0) {
    int64_t k = 0, at = 0;
    double bd = 0;
    int64_t bi = 0;
    bool nan = false;
    for_each_reduced(p, in0, [&](int64_t i) {
      if (nan) return;
      if (floating) {
        const double v = load_as<double>(self.data, self.dtype, i);
        if (v != v) {
          nan = true, at = k;
        } else if (k == 0 || (max ? v > bd : v < bd)) {
          bd = v, at = k;
        }
      } else {
        const int64_t v = load_as<int64_t>(self.data, self.dtype, i);
        if (k == 0 || (max ? v > bi : v < bi)) bi = v, at = k;
      }
      k++;
    });
    dst[o] = at;
  });
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
