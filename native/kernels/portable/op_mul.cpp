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
  return check_scalar_binary(ctx, self, other, nullptr, out);
}

Error mul_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& other, Tensor& out) {
  int64_t storage[1];
  Tensor scalar = scalar_tensor(out.dtype, other, storage);
  return mul_common(ctx, self, scalar, out, out.dtype);
}

}  // namespace portable
}  // namespace etb
