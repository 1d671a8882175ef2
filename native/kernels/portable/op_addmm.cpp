// aten::addmm.out: out = beta * self + alpha * (mat1 @ mat2), self
// broadcast to [M, N] (rank 0, 1 or 2). beta == 0 ignores self entirely
// (NaN and inf in self do not propagate), as ATen does. One dtype for all;
// integer beta/alpha for integer dtypes.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_addmm(KernelContext& ctx, const Tensor& self, const Tensor& mat1, const Tensor& mat2, const Tensor& out,
                  int64_t* self_strides) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, mat1, "mat1", true));
  const char* names[] = {"self", "mat2", "out"};
  const Tensor* ts[] = {&self, &mat2, &out};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, mat1.dtype, names, ts, 3));
  if (mat1.dim != 2 || mat2.dim != 2) {
    return ctx.fail(Error::InvalidArgument, "mat1 and mat2 must be matrices, got ranks %d and %d", mat1.dim, mat2.dim);
  }
  if (mat1.sizes[1] != mat2.sizes[0]) {
    return ctx.fail(Error::InvalidArgument, "mat1 [%d, %d] and mat2 [%d, %d] cannot be multiplied", mat1.sizes[0],
                    mat1.sizes[1], mat2.sizes[0], mat2.sizes[1]);
  }
  if (self.dim > 2) return ctx.fail(Error::InvalidArgument, "self has rank %d, expected at most 2", self.dim);
  const int32_t want[2] = {mat1.sizes[0], mat2.sizes[1]};
  for (int32_t k = 0; k < 2; k++) {
    int32_t d = k - (2 - self.dim);  // self's dim aligned with out's dim k
    self_strides[k] = 0;
    if (d < 0 || self.sizes[d] == 1) continue;
    if (self.sizes[d] != want[k]) {
      return ctx.fail(Error::InvalidArgument, "self's size %d at dim %d does not broadcast to [%d, %d]", self.sizes[d], d,
                      want[0], want[1]);
    }
    self_strides[k] = self.strides[d];
  }
  return Error::Ok;
}

}  // namespace

Error addmm_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& mat1, const Tensor& mat2,
                        const Scalar& beta, const Scalar& alpha, Tensor& out) {
  int64_t ss[2];
  return check_addmm(ctx, self, mat1, mat2, out, ss);
}

Error addmm_out(KernelContext& ctx, const Tensor& self, const Tensor& mat1, const Tensor& mat2, const Scalar& beta,
                const Scalar& alpha, Tensor& out) {
  int64_t ss[2];
  ETB_RETURN_IF_ERROR(check_addmm(ctx, self, mat1, mat2, out, ss));
  const int32_t sizes[2] = {mat1.sizes[0], mat2.sizes[1]};
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, 2));
  return dispatch_storage(ctx, out.dtype, true, [&](auto tag) {
    using T = decltype(tag);
    using A = typename Acc<T>::type;
    constexpr bool kInt = std::is_integral<A>::value;
    const A b = kInt ? A(beta.to_int()) : A(beta.to_double());
    const A al = kInt ? A(alpha.to_int()) : A(alpha.to_double());
    const T* s = self.data_as<const T>();
    T* o = out.data_as<T>();
    Mat<T> a{mat1.data_as<const T>(), mat1.strides[0], mat1.strides[1]};
    Mat<T> m{mat2.data_as<const T>(), mat2.strides[0], mat2.strides[1]};
    matmul_loop(a, m, sizes[0], mat1.sizes[1], sizes[1], [&](int64_t i, int64_t j, A p) {
      A r = mac(A(0), al, p);
      if (b != A(0)) r = mac(r, b, ld(s, i * ss[0] + j * ss[1]));
      st(o, i * out.strides[0] + j * out.strides[1], r);
    }, matmul_row<T>(ctx, sizes[1]));
  });
}

}  // namespace portable
}  // namespace etb
