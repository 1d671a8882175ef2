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
  return check_scalar_binary(ctx, self, other, &alpha, out);
}

Error add_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar& alpha, Tensor& out) {
  int64_t storage[1];
  Tensor scalar = scalar_tensor(out.dtype, other, storage);
  return add_common(ctx, self, scalar, alpha, out, out.dtype);
}

}  // namespace portable
}  // namespace etb
