#include "kernels/portable/util/compare_util.h"

namespace etb {
namespace portable {
namespace {

template <Cmp C, typename CT>
inline bool holds(CT a, CT b) {
  if constexpr (C == Cmp::Eq) return a == b;
  else if constexpr (C == Cmp::Ne) return a != b;
  else if constexpr (C == Cmp::Lt) return a < b;
  else if constexpr (C == Cmp::Le) return a <= b;
  else if constexpr (C == Cmp::Gt) return a > b;
  else return a >= b;
}

template <Cmp C>
Error run(KernelContext& ctx, const Tensor& a, const Tensor& b, Tensor& out, ScalarType common) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast(ctx, a, b, out));
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    binary_loop<CT>(a, b, out, [common](CT x, CT y) {
      return CT(holds<C>(round_to<CT>(common, x), round_to<CT>(common, y)) ? 1 : 0);
    });
  });
}

Error dispatch(KernelContext& ctx, const Tensor& a, const Tensor& b, Tensor& out, ScalarType common, Cmp cmp) {
  switch (cmp) {
    case Cmp::Eq: return run<Cmp::Eq>(ctx, a, b, out, common);
    case Cmp::Ne: return run<Cmp::Ne>(ctx, a, b, out, common);
    case Cmp::Lt: return run<Cmp::Lt>(ctx, a, b, out, common);
    case Cmp::Le: return run<Cmp::Le>(ctx, a, b, out, common);
    case Cmp::Gt: return run<Cmp::Gt>(ctx, a, b, out, common);
    default: return run<Cmp::Ge>(ctx, a, b, out, common);
  }
}

}  // namespace

Error compare_tensor_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, const Tensor& out) {
  ScalarType common;
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(other.dtype) || !is_elementwise_dtype(out.dtype) ||
      !binary_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s) -> %s", scalar_type_name(self.dtype),
                    scalar_type_name(other.dtype), scalar_type_name(out.dtype));
  }
  return Error::Ok;
}

Error compare_tensor(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out, Cmp cmp) {
  ScalarType common;
  binary_result_type(self, other, &common);
  return dispatch(ctx, self, other, out, common, cmp);
}

Error compare_scalar_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other, const Tensor& out) {
  ScalarType common;
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(out.dtype) ||
      !tensor_scalar_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes %s (and a scalar) -> %s", scalar_type_name(self.dtype),
                    scalar_type_name(out.dtype));
  }
  return Error::Ok;
}

Error compare_scalar(KernelContext& ctx, const Tensor& self, const Scalar& other, Tensor& out, Cmp cmp) {
  ScalarType common;
  tensor_scalar_result_type(self, other, &common);
  int64_t storage[1];
  Tensor scalar = scalar_tensor(common, other, storage);
  return dispatch(ctx, self, scalar, out, common, cmp);
}

}  // namespace portable
}  // namespace etb
