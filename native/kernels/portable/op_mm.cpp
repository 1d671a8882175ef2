// aten::mm.out: out[M, N] = self[M, K] @ mat2[K, N]. All three share one
// dtype (floating or integer, as ATen's CPU matmul); sums run in double for
// floating types and wrap in int64 for integers. Any dim order.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_mm(KernelContext& ctx, const Tensor& self, const Tensor& mat2, const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, self, "self", true));
  const char* names[] = {"mat2", "out"};
  const Tensor* ts[] = {&mat2, &out};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, self.dtype, names, ts, 2));
  if (self.dim != 2 || mat2.dim != 2) {
    return ctx.fail(Error::InvalidArgument, "self and mat2 must be matrices, got ranks %d and %d", self.dim, mat2.dim);
  }
  if (self.sizes[1] != mat2.sizes[0]) {
    return ctx.fail(Error::InvalidArgument, "self [%d, %d] and mat2 [%d, %d] cannot be multiplied", self.sizes[0],
                    self.sizes[1], mat2.sizes[0], mat2.sizes[1]);
  }
  return Error::Ok;
}

}  // namespace

Error mm_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& mat2, Tensor& out) {
  return check_mm(ctx, self, mat2, out);
}

Error mm_out(KernelContext& ctx, const Tensor& self, const Tensor& mat2, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_mm(ctx, self, mat2, out));
  const int32_t sizes[2] = {self.sizes[0], mat2.sizes[1]};
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, 2));
  return dispatch_storage(ctx, out.dtype, true, [&](auto tag) {
    using T = decltype(tag);
    T* o = out.data_as<T>();
    Mat<T> a{self.data_as<const T>(), self.strides[0], self.strides[1]};
    Mat<T> b{mat2.data_as<const T>(), mat2.strides[0], mat2.strides[1]};
    matmul_loop(a, b, self.sizes[0], self.sizes[1], mat2.sizes[1],
                [&](int64_t i, int64_t j, typename Acc<T>::type s) { st(o, i * out.strides[0] + j * out.strides[1], s); },
                matmul_row<T>(ctx, mat2.sizes[1]));
  });
}

}  // namespace portable
}  // namespace etb
