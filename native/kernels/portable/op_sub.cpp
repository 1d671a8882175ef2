// aten::sub.out, sub.Scalar_out and rsub.Scalar_out: a - alpha * b (rsub
// swaps the operands: other - alpha * self). ATen refuses bool operands
// ("use logical_xor / logical_not"); integers wrap; floats round a - alpha*b
// once (ATen's vectorized loop fuses it), half types compute in float.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {
namespace {

Error check_sub(KernelContext& ctx, ScalarType a, ScalarType b, ScalarType common, const Scalar& alpha,
                ScalarType out) {
  if (!is_elementwise_dtype(a) || !is_elementwise_dtype(b)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s)", scalar_type_name(a), scalar_type_name(b));
  }
  if (a == ScalarType::Bool || b == ScalarType::Bool) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s): subtraction with a bool operand",
                    scalar_type_name(a), scalar_type_name(b));
  }
  if (!is_floating(common) && alpha.kind == Scalar::Kind::Double) {
    return ctx.fail(Error::InvalidArgument, "alpha must be an integer for integral inputs (%s)", scalar_type_name(common));
  }
  if (alpha.kind == Scalar::Kind::Bool) return ctx.fail(Error::InvalidArgument, "alpha must not be a bool");
  return check_cast_to_out(ctx, a, common, out);
}

// x - alpha * y in CT, rounded to `common`.
template <typename CT>
inline CT sub_one(CT x, CT y, CT alpha, bool unit, ScalarType common) {
  if constexpr (std::is_floating_point<CT>::value) {
    return round_to<CT>(common, unit ? x - y : std::fma(-alpha, y, x));
  } else if constexpr (std::is_same<CT, bool>::value) {
    return x != y;  // unreachable: prepare refuses bool
  } else {
    using U = typename std::make_unsigned<CT>::type;
    return CT(U(x) - U(alpha) * U(y));
  }
}

// out = a - alpha * b, a and b tensors (either may be a 0-d stand-in for a Scalar).
Error sub_common(KernelContext& ctx, const Tensor& a, const Tensor& b, const Scalar& alpha, Tensor& out,
                 ScalarType common) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast(ctx, a, b, out));
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    const CT al = scalar_as<CT>(alpha);
    const bool unit = alpha.kind == Scalar::Kind::Int && alpha.i == 1;
    binary_loop<CT>(a, b, out, [=](CT x, CT y) {
      return sub_one<CT>(round_to<CT>(common, x), round_to<CT>(common, y), al, unit, common);
    });
  });
}

}  // namespace

Error sub_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, const Scalar& alpha, Tensor& out) {
  ScalarType common = ScalarType::Float;
  if (!binary_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s)", scalar_type_name(self.dtype),
                    scalar_type_name(other.dtype));
  }
  return check_sub(ctx, self.dtype, other.dtype, common, alpha, out.dtype);
}

Error sub_out(KernelContext& ctx, const Tensor& self, const Tensor& other, const Scalar& alpha, Tensor& out) {
  ScalarType common;
  binary_result_type(self, other, &common);
  return sub_common(ctx, self, other, alpha, out, common);
}

namespace {

Error scalar_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar& alpha, Tensor& out) {
  ScalarType common = ScalarType::Float;
  if (!is_elementwise_dtype(self.dtype) || !tensor_scalar_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "unsupported dtype %s", scalar_type_name(self.dtype));
  }
  ScalarType other_type = other.kind == Scalar::Kind::Bool ? ScalarType::Bool : common;
  return check_sub(ctx, self.dtype, other_type, common, alpha, out.dtype);
}

}  // namespace

Error sub_scalar_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar& alpha,
                             Tensor& out) {
  return scalar_prepare(ctx, self, other, alpha, out);
}

Error sub_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar& alpha, Tensor& out) {
  ScalarType common;
  tensor_scalar_result_type(self, other, &common);
  int64_t storage[1];
  Tensor scalar = scalar_tensor(common, other, storage);
  return sub_common(ctx, self, scalar, alpha, out, common);
}

Error rsub_scalar_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar& alpha,
                              Tensor& out) {
  return scalar_prepare(ctx, self, other, alpha, out);
}

Error rsub_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar& alpha, Tensor& out) {
  ScalarType common;
  tensor_scalar_result_type(self, other, &common);
  int64_t storage[1];
  Tensor scalar = scalar_tensor(common, other, storage);
  return sub_common(ctx, scalar, self, alpha, out, common);
}

}  // namespace portable
}  // namespace etb
