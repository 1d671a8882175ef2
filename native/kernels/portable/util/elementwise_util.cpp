#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {
namespace {

int scalar_category(const Scalar& s) {
  return s.kind == Scalar::Kind::Double ? 2 : s.kind == Scalar::Kind::Int ? 1 : 0;
}

}  // namespace

bool scalars_result_type(const Tensor& self, const Scalar* a, const Scalar* b, ScalarType* out) {
  // Wrapped numbers promote among themselves to the highest category; only
  // that one can lift self's category.
  const Scalar* top = a;
  if (top == nullptr || (b != nullptr && scalar_category(*b) > scalar_category(*top))) top = b;
  if (top == nullptr) {
    *out = self.dtype;
    return true;
  }
  return tensor_scalar_result_type(self, *top, out);
}

bool tensors_result_type(const Tensor* a, const Tensor* b, const Tensor* c, ScalarType* out) {
  const Tensor* all[3] = {a, b, c};
  bool has_dim = false, has_zero = false;
  ScalarType dim_t = ScalarType::Bool, zero_t = ScalarType::Bool;
  for (const Tensor* t : all) {
    if (t == nullptr) continue;
    bool& has = t->dim != 0 ? has_dim : has_zero;
    ScalarType& acc = t->dim != 0 ? dim_t : zero_t;
    if (!has) {
      acc = t->dtype;
      has = true;
    } else if (!promote_types(acc, t->dtype, &acc)) {
      return false;
    }
  }
  if (!has_dim || !has_zero) {
    *out = has_dim ? dim_t : zero_t;
    return has_dim || has_zero;
  }
  // Two representative tensors reuse the two-operand rule.
  Tensor x, y;
  int32_t one = 1;
  x.dtype = dim_t;
  x.dim = 1;
  x.sizes = &one;
  y.dtype = zero_t;
  return binary_result_type(x, y, out);
}

Error check_cast_to_out(KernelContext& ctx, ScalarType self, ScalarType common, ScalarType out) {
  if (!is_elementwise_dtype(out) || !can_cast(common, out)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes: %s input computes in %s, which cannot be cast to out %s",
                    scalar_type_name(self), scalar_type_name(common), scalar_type_name(out));
  }
  return Error::Ok;
}

Error check_out_is(KernelContext& ctx, ScalarType self, ScalarType common, ScalarType out) {
  if (common != out) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes: %s input gives %s, out must be %s, not %s",
                    scalar_type_name(self), scalar_type_name(common), scalar_type_name(common),
                    scalar_type_name(out));
  }
  return Error::Ok;
}

Error check_elementwise(KernelContext& ctx, const Tensor& t, const char* name) {
  if (!is_elementwise_dtype(t.dtype)) {
    return ctx.fail(Error::NotSupported, "unsupported dtype %s for %s", scalar_type_name(t.dtype), name);
  }
  return Error::Ok;
}

Error resize_to_broadcast3(KernelContext& ctx, const Tensor& a, const Tensor* b, const Tensor* c, Tensor& out) {
  int32_t sizes[kMaxTensorRank];
  int32_t dim = a.dim;
  for (int32_t d = 0; d < dim; d++) sizes[d] = a.sizes[d];
  const Tensor* others[2] = {b, c};
  for (const Tensor* o : others) {
    if (o == nullptr) continue;
    Tensor acc;
    acc.dim = dim;
    acc.sizes = sizes;
    int32_t merged[kMaxTensorRank];
    ETB_RETURN_IF_ERROR(broadcast_shape(ctx, acc, *o, merged, &dim));
    for (int32_t d = 0; d < dim; d++) sizes[d] = merged[d];
  }
  if (dim != out.dim) {
    return ctx.fail(Error::InvalidArgument, "out has rank %d, the broadcast result has rank %d", out.dim, dim);
  }
  return resize(out, Span<const int32_t>(sizes, size_t(dim)), ctx.diag(), ctx.op_name());
}

Error resize_like(KernelContext& ctx, const Tensor& self, Tensor& out) {
  if (self.dim != out.dim) {
    return ctx.fail(Error::InvalidArgument, "out has rank %d, self has rank %d", out.dim, self.dim);
  }
  return resize(out, Span<const int32_t>(self.sizes, size_t(self.dim)), ctx.diag(), ctx.op_name());
}

Error float_activation_prepare(KernelContext& ctx, const Tensor& self, const Tensor& out) {
  if (!is_floating(self.dtype)) {
    return ctx.fail(Error::NotSupported, "unsupported dtype %s (float types only)", scalar_type_name(self.dtype));
  }
  return check_out_is(ctx, self.dtype, self.dtype, out.dtype);
}

Error unary_float_prepare(KernelContext& ctx, const Tensor& self, const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  return check_cast_to_out(ctx, self.dtype, float_type(self.dtype), out.dtype);
}

Error extremum_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, const Tensor& out) {
  ScalarType common;
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(other.dtype) ||
      !binary_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s)", scalar_type_name(self.dtype),
                    scalar_type_name(other.dtype));
  }
  return check_cast_to_out(ctx, self.dtype, common, out.dtype);
}

Error extremum_apply(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out, bool maximum) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast(ctx, self, other, out));
  ScalarType common;
  binary_result_type(self, other, &common);
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    binary_loop<CT>(self, other, out, [common, maximum](CT x, CT y) {
      x = round_to<CT>(common, x);
      y = round_to<CT>(common, y);
      if (x != x) return x;
      if (y != y) return y;
      return maximum ? clamp_low(x, y) : clamp_high(x, y);
    });
  });
}

}  // namespace portable
}  // namespace etb
