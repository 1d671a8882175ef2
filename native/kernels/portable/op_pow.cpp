// aten::pow.Tensor_Scalar_out: self ** exponent in ATen's result type (out
// must have it: a structured op). As ATen's CPU kernel: exponent 0 fills
// ones and 1 copies (so bool works); float32/float64/bfloat16 take sqrt,
// rsqrt and reciprocal for 0.5, -0.5, -1 and plain products for 2, 3, -2
// (bfloat16 rounding each product); other exponents use pow (float32 in
// double, half types in float). Integers use exact repeated squaring that
// wraps; integers to negative integer powers are refused.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

bool exponent_is(const Scalar& e, double v) {
  return e.kind == Scalar::Kind::Double ? e.d == v : e.kind == Scalar::Kind::Int ? double(e.i) == v : false;
}

template <typename CT>
CT powi(CT base, CT exp) {
  using U = typename std::make_unsigned<CT>::type;
  if constexpr (std::is_signed<CT>::value) {
    if (exp < 0) {
      if (base == 1) return 1;
      if (base == -1) return (exp % 2) != 0 ? CT(-1) : CT(1);
      return 0;
    }
  }
  // In uint64_t: products of narrow unsigned types would promote to int and overflow (UB);
  // arithmetic modulo 2^64 truncates to the same value modulo 2^bits.
  uint64_t result = 1, b = uint64_t(int64_t(base));
  while (exp != 0) {
    if (exp & 1) result *= b;
    exp = CT(exp / 2);
    b *= b;
  }
  return CT(U(result));
}

// One float element: ATen's specializations, rounding to `t` (bfloat16
// rounds every intermediate product, as its arithmetic does).
template <typename CT>
CT pow_float(CT x, double e, ScalarType t) {
  auto r = [t](CT v) { return round_to<CT>(t, v); };
  if (t != ScalarType::Half) {
    if (e == 0.5) return r(std::sqrt(x));
    if (e == -0.5) return r(CT(1) / std::sqrt(x));
    if (e == -1) return r(CT(1) / x);
    if (e == 2) return r(x * x);
    if (e == 3) return r(r(x * x) * x);
    if (e == -2) return r(CT(1) / r(x * x));
  }
  if (t == ScalarType::Double) return CT(std::pow(double(x), e));
  if (t == ScalarType::Float) return CT(std::pow(double(x), e));
  return r(std::pow(float(x), float(r(CT(e)))));
}

}  // namespace

Error pow_tensor_scalar_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& exponent, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  if (!is_floating(self.dtype) && exponent.kind != Scalar::Kind::Double && exponent.to_int() < 0) {
    return ctx.fail(Error::InvalidArgument, "integers to negative integer powers are not allowed");
  }
  ScalarType common;
  scalars_result_type(self, &exponent, nullptr, &common);
  bool special = exponent_is(exponent, 0) || exponent_is(exponent, 1) || exponent.kind == Scalar::Kind::Bool;
  if (common == ScalarType::Bool && !special) return ctx.fail(Error::NotSupported, "unsupported dtype bool");
  if (is_integral(common, false) && !special && !scalar_fits(common, exponent)) {
    return ctx.fail(Error::InvalidArgument, "exponent does not fit %s", scalar_type_name(common));
  }
  return check_out_is(ctx, self.dtype, common, out.dtype);
}

Error pow_tensor_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& exponent, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_like(ctx, self, out));
  ScalarType common = out.dtype;
  const bool zero = exponent.kind == Scalar::Kind::Bool ? !exponent.b : exponent_is(exponent, 0);
  const bool one = exponent.kind == Scalar::Kind::Bool ? exponent.b : exponent_is(exponent, 1);
  return dispatch_compute(ctx, compute_type(common), [&](auto zero_value) {
    using CT = decltype(zero_value);
    if (zero) {
      unary_loop<CT>(self, out, [](CT) { return CT(1); });
    } else if (one) {
      unary_loop<CT>(self, out, [&](CT x) { return round_to<CT>(common, x); });
    } else if constexpr (std::is_floating_point<CT>::value) {
      const double e = exponent.to_double();
      unary_loop<CT>(self, out, [&](CT x) { return pow_float<CT>(round_to<CT>(common, x), e, common); });
    } else if constexpr (!std::is_same<CT, bool>::value) {
      const CT e = scalar_as<CT>(exponent);  // prepare checked that it fits
      unary_loop<CT>(self, out, [&](CT x) { return powi<CT>(x, e); });
    }
  });
}

// aten::pow.Tensor_Tensor_out: broadcast base and exponent in their result
// type (safely cast to out): floats use pow (powf for float32 and the half
// types, as ATen's kernel), integers exact wrapping powers where a negative
// exponent gives 0 (bases other than ±1), as ATen's powi. Bool is refused.
Error pow_tensor_tensor_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& exponent, Tensor& out) {
  ScalarType common;
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(exponent.dtype) ||
      !binary_result_type(self, exponent, &common) || common == ScalarType::Bool) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s)", scalar_type_name(self.dtype),
                    scalar_type_name(exponent.dtype));
  }
  return check_cast_to_out(ctx, self.dtype, common, out.dtype);
}

Error pow_tensor_tensor_out(KernelContext& ctx, const Tensor& self, const Tensor& exponent, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast(ctx, self, exponent, out));
  ScalarType common;
  binary_result_type(self, exponent, &common);
  return dispatch_compute(ctx, compute_type(common), [&](auto zero) {
    using CT = decltype(zero);
    if constexpr (std::is_floating_point<CT>::value) {
      binary_loop<CT>(self, exponent, out, [common](CT x, CT e) {
        return round_to<CT>(common, std::pow(round_to<CT>(common, x), round_to<CT>(common, e)));
      });
    } else if constexpr (!std::is_same<CT, bool>::value) {
      binary_loop<CT>(self, exponent, out, [](CT x, CT e) { return powi<CT>(x, e); });
    }
  });
}

}  // namespace portable
}  // namespace etb
