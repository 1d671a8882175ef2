// aten::mul.out and aten::mul.Scalar_out: out = self * other.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/binary_util.h"

namespace etb {
namespace portable {
namespace {

Error mul_common(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out, ScalarType common) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast(ctx, self, other, out));
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    binary_loop<CT>(self, other, out, [](CT x, CT y) { return mul_wrap<CT>(x, y); });
  });
}

}  // namespace

Error mul_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  ScalarType common;
  if (!binary_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "no type promotion for (%s, %s)", scalar_type_name(self.dtype),
                    scalar_type_name(other.dtype));
  }
  return check_binary_dtypes(ctx, self.dtype, other.dtype, common, out.dtype, nullptr);
}

Error mul_out(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  ScalarType common;
  binary_result_type(self, other, &common);
  return mul_common(ctx, self, other, out, common);
}

Error mul_scalar_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other, Tensor& out) {
  ScalarType common;
  if (!tensor_scalar_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "no type promotion for %s and a scalar", scalar_type_name(self.dtype));
  }
  if (common != out.dtype) {
    return ctx.fail(Error::InvalidArgument, "result type %s must equal the out dtype %s", scalar_type_name(common),
                    scalar_type_name(out.dtype));
  }
  return check_binary_dtypes(ctx, self.dtype, self.dtype, common, out.dtype, nullptr);
}

Error mul_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& other, Tensor& out) {
  int64_t storage[1];
  Tensor scalar;
  scalar.dtype = compute_type(out.dtype);
  scalar.data = storage;
  dispatch_compute(ctx, scalar.dtype, [&](auto zero) {
    using CT = decltype(zero);
    CT v = other.kind == Scalar::Kind::Double ? CT(other.d) : other.kind == Scalar::Kind::Bool ? CT(other.b) : CT(other.i);
    store_as<CT>(storage, scalar.dtype, 0, v);
  });
  return mul_common(ctx, self, scalar, out, out.dtype);
}

}  // namespace portable
}  // namespace etb
