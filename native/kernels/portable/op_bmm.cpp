// aten::bmm.out: out[B, M, N] = self[B, M, K] @ mat2[B, K, N] per batch, with
// mm's dtype rules and accumulation. Any dim order.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_bmm(KernelContext& ctx, const Tensor& self, const Tensor& mat2, const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, self, "self", true));
  const char* names[] = {"mat2", "out"};
  const Tensor* ts[] = {&mat2, &out};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, self.dtype, names, ts, 2));
  if (self.dim != 3 || mat2.dim != 3) {
    return ctx.fail(Error::InvalidArgument, "self and mat2 must be 3-D, got ranks %d and %d", self.dim, mat2.dim);
  }
  if (self.sizes[0] != mat2.sizes[0] || self.sizes[2] != mat2.sizes[1]) {
    return ctx.fail(Error::InvalidArgument, "self [%d, %d, %d] and mat2 [%d, %d, %d] cannot be multiplied",
                    self.sizes[0], self.sizes[1], self.sizes[2], mat2.sizes[0], mat2.sizes[1], mat2.sizes[2]);
  }
  return Error::Ok;
}

}  // namespace

Error bmm_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& mat2, Tensor& out) {
  return check_bmm(ctx, self, mat2, out);
}

Error bmm_out(KernelContext& ctx, const Tensor& self, const Tensor& mat2, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_bmm(ctx, self, mat2, out));
  const int32_t sizes[3] = {self.sizes[0], self.sizes[1], mat2.sizes[2]};
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, 3));
  return dispatch_storage(ctx, out.dtype, true, [&](auto tag) {
    using T = decltype(tag);
    typename Acc<T>::type* row = matmul_row<T>(ctx, sizes[2]);
    for (int64_t n = 0; n < sizes[0]; n++) {
      T* o = out.data_as<T>() + n * out.strides[0];
      Mat<T> a{self.data_as<const T>() + n * self.strides[0], self.strides[1], self.strides[2]};
      Mat<T> b{mat2.data_as<const T>() + n * mat2.strides[0], mat2.strides[1], mat2.strides[2]};
      matmul_loop(a, b, sizes[1], self.sizes[2], sizes[2],
                  [&](int64_t i, int64_t j, typename Acc<T>::type s) { st(o, i * out.strides[1] + j * out.strides[2], s); },
                  row);
    }
  });
}

}  // namespace portable
}  // namespace etb
