// aten::bitwise_and.Tensor_out: a & b over broadcast integer or bool
// tensors in their result type (safely cast to out); floats are refused as
// in ATen.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error bitwise_and_tensor_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  ScalarType common;
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(other.dtype) ||
      !binary_result_type(self, other, &common) || !is_integral(common, true)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s): integers or bool only",
                    scalar_type_name(self.dtype), scalar_type_name(other.dtype));
  }
  return check_cast_to_out(ctx, self.dtype, common, out.dtype);
}

Error bitwise_and_tensor_out(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast(ctx, self, other, out));
  ScalarType common;
  binary_result_type(self, other, &common);
  return dispatch_compute(ctx, common, [&](auto zero) {
    using CT = decltype(zero);
    if constexpr (std::is_same<CT, bool>::value) binary_loop<CT>(self, other, out, [](CT x, CT y) { return x && y; });
    else if constexpr (std::is_integral<CT>::value) binary_loop<CT>(self, other, out, [](CT x, CT y) { return CT(x & y); });
  });
}

}  // namespace portable
}  // namespace etb
