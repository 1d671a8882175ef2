// aten::minimum.out: the elementwise minimum of two broadcast tensors in their
// result type (safely cast to out); a NaN on either side wins, as in ATen;
// bool works (logical and).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

Error minimum_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  ScalarType common;
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(other.dtype) ||
      !binary_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s)", scalar_type_name(self.dtype),
                    scalar_type_name(other.dtype));
  }
  return check_cast_to_out(ctx, self.dtype, common, out.dtype);
}

Error minimum_out(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast(ctx, self, other, out));
  ScalarType common;
  binary_result_type(self, other, &common);
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    binary_loop<CT>(self, other, out, [common](CT x, CT y) {
      x = round_to<CT>(common, x);
      y = round_to<CT>(common, y);
      if (x != x) return x;
      if (y != y) return y;
      return clamp_high(x, y);
    });
  });
}

}  // namespace portable
}  // namespace etb
