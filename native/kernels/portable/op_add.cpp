// aten::add.out and aten::add.Scalar_out: out = self + alpha * other.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/binary_util.h"

namespace etb {
namespace portable {
namespace {

Error add_common(KernelContext& ctx, const Tensor& self, const Tensor& other, const Scalar& alpha, Tensor& out,
                 ScalarType common) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast(ctx, self, other, out));
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    CT a = alpha.kind == Scalar::Kind::Double ? CT(alpha.d) : alpha.kind == Scalar::Kind::Bool ? CT(alpha.b) : CT(alpha.i);
    binary_loop<CT>(self, other, out, [a](CT x, CT y) { return add_wrap<CT>(x, mul_wrap<CT>(a, y)); });
  });
}

}  // namespace

Error add_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, const Scalar& alpha, Tensor& out) {
  ScalarType common;
  if (!binary_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "no type promotion for (%s, %s)", scalar_type_name(self.dtype),
                    scalar_type_name(other.dtype));
  }
  return check_binary_dtypes(ctx, self.dtype, other.dtype, common, out.dtype, &alpha);
}

Error add_out(KernelContext& ctx, const Tensor& self, const Tensor& other, const Scalar& alpha, Tensor& out) {
  ScalarType common;
  binary_result_type(self, other, &common);
  return add_common(ctx, self, other, alpha, out, common);
}

Error add_scalar_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar& alpha,
                             Tensor& out) {
  ScalarType common;
  if (!tensor_scalar_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "no type promotion for %s and a scalar", scalar_type_name(self.dtype));
  }
  if (common != out.dtype) {
    return ctx.fail(Error::InvalidArgument, "result type %s must equal the out dtype %s", scalar_type_name(common),
                    scalar_type_name(out.dtype));
  }
  return check_binary_dtypes(ctx, self.dtype, self.dtype, common, out.dtype, &alpha);
}

Error add_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar& alpha, Tensor& out) {
  // The scalar becomes a 0-d tensor of the result type, so the tensor path
  // (broadcasting, wrapping) applies unchanged.
  ScalarType common = out.dtype;
  int64_t storage[1];
  Tensor scalar;
  scalar.dtype = compute_type(common);
  scalar.data = storage;
  dispatch_compute(ctx, scalar.dtype, [&](auto zero) {
    using CT = decltype(zero);
    CT v = other.kind == Scalar::Kind::Double ? CT(other.d) : other.kind == Scalar::Kind::Bool ? CT(other.b) : CT(other.i);
    store_as<CT>(storage, scalar.dtype, 0, v);
  });
  return add_common(ctx, self, scalar, alpha, out, common);
}

}  // namespace portable
}  // namespace etb
