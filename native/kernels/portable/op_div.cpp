// aten::div.out, div.out_mode and div.Scalar_out. True division promotes
// integer and bool inputs to float32; rounding_mode "trunc" / "floor" keeps
// the promoted type: integers divide exactly (a zero divisor fails at run
// time, as ATen's ZeroDivisionError), floats follow ATen's div_floor_floating
// (fmod-based, so floor division of huge quotients stays exact). Half types
// compute in float (rounding mode: every step rounded to the half type); a single-element divisor of a half-type division is used
// unrounded, as ATen's CPU kernel does for scalars.
#include <string.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {
namespace {

enum class Mode { True, Trunc, Floor };

Error parse_mode(KernelContext& ctx, const Optional<StringView>& m, Mode* mode) {
  *mode = Mode::True;
  if (!m.has_value) return Error::Ok;
  if (m.value.size == 5 && memcmp(m.value.data, "trunc", 5) == 0) *mode = Mode::Trunc;
  else if (m.value.size == 5 && memcmp(m.value.data, "floor", 5) == 0) *mode = Mode::Floor;
  else return ctx.fail(Error::InvalidArgument, "rounding_mode must be None, 'trunc' or 'floor', got '%.*s'", int(m.value.size), m.value.data);
  return Error::Ok;
}

// ATen's div_floor_floating; `r` rounds each step to the dtype's arithmetic
// (half types round every operation, as their scalar_t arithmetic does).
template <typename CT, typename R>
CT floor_div_float(CT a, CT b, R r) {
  if (b == 0) return r(a / b);
  CT mod = std::fmod(a, b);
  CT div = r(r(a - mod) / b);
  if (mod != 0 && (b < 0) != (mod < 0)) div = r(div - CT(1));
  if (div == 0) return std::copysign(CT(0), r(a / b));
  CT fl = std::floor(div);
  if (r(div - fl) > CT(0.5)) fl = r(fl + CT(1));
  return fl;
}

// Integer quotient (trunc or floor); sets *zero on a zero divisor.
template <typename CT>
CT int_div(CT a, CT b, Mode mode, bool* zero) {
  if (b == 0) {
    *zero = true;
    return CT(0);
  }
  if constexpr (std::is_signed<CT>::value) {
    using U = typename std::make_unsigned<CT>::type;
    if (b == CT(-1)) return CT(U(0) - U(a));  // INT_MIN / -1 wraps instead of trapping
    CT q = CT(a / b);
    if (mode == Mode::Floor && (a % b) != 0 && ((a < 0) != (b < 0))) q = CT(q - 1);
    return q;
  } else {
    return CT(a / b);
  }
}

Error check_dtypes(KernelContext& ctx, ScalarType a, ScalarType b, ScalarType common, Mode mode, ScalarType out) {
  if (!is_elementwise_dtype(a) || !is_elementwise_dtype(b)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s)", scalar_type_name(a), scalar_type_name(b));
  }
  if (mode != Mode::True && common == ScalarType::Bool) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (bool, bool) with a rounding mode");
  }
  ScalarType result = mode == Mode::True ? float_type(common) : common;
  return check_cast_to_out(ctx, a, result, out);
}

Error div_common(KernelContext& ctx, const Tensor& a, const Tensor& b, Tensor& out, ScalarType common, Mode mode) {
  ETB_RETURN_IF_ERROR(resize_to_broadcast(ctx, a, b, out));
  const ScalarType result = mode == Mode::True ? float_type(common) : common;
  bool zero = false;
  // ATen divides a half-type tensor by a single broadcast element in float without rounding it first.
  const bool raw_b = (result == ScalarType::Half || result == ScalarType::BFloat16) && b.numel() == 1 && out.numel() >= 1;
  ETB_RETURN_IF_ERROR(dispatch_compute(ctx, compute_type(result), [&](auto zero_value) {
    using CT = decltype(zero_value);
    if constexpr (std::is_floating_point<CT>::value) {
      binary_loop<CT>(a, b, out, [&](CT x, CT y) {
        x = round_to<CT>(result, x);
        if (!raw_b) y = round_to<CT>(result, y);
        auto r = [&](CT v) { return round_to<CT>(result, v); };
        return mode == Mode::True ? r(x / y) : mode == Mode::Trunc ? std::trunc(r(x / y)) : floor_div_float(x, y, r);
      });
    } else if constexpr (!std::is_same<CT, bool>::value) {
      binary_loop<CT>(a, b, out, [&](CT x, CT y) { return int_div(x, y, mode, &zero); });
    }
  }));
  if (zero) return ctx.fail(Error::InvalidArgument, "integer division by zero");
  return Error::Ok;
}

}  // namespace

Error div_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  ScalarType common = ScalarType::Float;
  if (!binary_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s)", scalar_type_name(self.dtype),
                    scalar_type_name(other.dtype));
  }
  return check_dtypes(ctx, self.dtype, other.dtype, common, Mode::True, out.dtype);
}

Error div_out(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {
  ScalarType common;
  binary_result_type(self, other, &common);
  return div_common(ctx, self, other, out, common, Mode::True);
}

Error div_out_mode_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other,
                           const Optional<StringView>& rounding_mode, Tensor& out) {
  Mode mode;
  ETB_RETURN_IF_ERROR(parse_mode(ctx, rounding_mode, &mode));
  ScalarType common = ScalarType::Float;
  if (!binary_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s)", scalar_type_name(self.dtype),
                    scalar_type_name(other.dtype));
  }
  return check_dtypes(ctx, self.dtype, other.dtype, common, mode, out.dtype);
}

Error div_out_mode(KernelContext& ctx, const Tensor& self, const Tensor& other, const Optional<StringView>& rounding_mode,
                   Tensor& out) {
  Mode mode;
  ETB_RETURN_IF_ERROR(parse_mode(ctx, rounding_mode, &mode));
  ScalarType common;
  binary_result_type(self, other, &common);
  return div_common(ctx, self, other, out, common, mode);
}

Error div_scalar_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other, Tensor& out) {
  ScalarType common = ScalarType::Float;
  if (!is_elementwise_dtype(self.dtype) || !tensor_scalar_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "unsupported dtype %s", scalar_type_name(self.dtype));
  }
  return check_dtypes(ctx, self.dtype, self.dtype, common, Mode::True, out.dtype);
}

Error div_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& other, Tensor& out) {
  ScalarType common;
  tensor_scalar_result_type(self, other, &common);
  int64_t storage[1];
  // The divisor as a 0-d tensor in the compute type (a double stays exact for float64).
  Tensor scalar = scalar_tensor(float_type(common), other, storage);
  return div_common(ctx, self, scalar, out, common, Mode::True);
}

}  // namespace portable
}  // namespace etb
