// aten::gelu.out: x · (1 + erf(x/√2)) · 0.5 ('none') or ATen's tanh
// approximation x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³))) ('tanh'),
// in the formulas' own operation order; float dtypes only (ATen has no
// integer gelu), out has self's dtype; half types compute in float.
#include <string.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {
namespace {

bool is_mode(StringView s, const char* m) { return s.size == strlen(m) && memcmp(s.data, m, s.size) == 0; }

// M_SQRT2 and friends are POSIX, not C++17: newlib (the MCU build) leaves them out under -std=c++17.
constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
constexpr double kSqrtHalf = 0.70710678118654752440;

}  // namespace

Error gelu_out_prepare(KernelContext& ctx, const Tensor& self, StringView approximate, Tensor& out) {
  if (!is_floating(self.dtype)) return ctx.fail(Error::NotSupported, "unsupported dtype %s (gelu takes floats)", scalar_type_name(self.dtype));
  if (!is_mode(approximate, "none") && !is_mode(approximate, "tanh")) {
    return ctx.fail(Error::InvalidArgument, "approximate must be 'none' or 'tanh', got '%.*s'", int(approximate.size),
                    approximate.data);
  }
  return check_out_is(ctx, self.dtype, self.dtype, out.dtype);
}

Error gelu_out(KernelContext& ctx, const Tensor& self, StringView approximate, Tensor& out) {
  const bool tanh_mode = is_mode(approximate, "tanh");
  return unary_float_apply(ctx, self, out, [tanh_mode](auto x) {
    using CT = decltype(x);
    if (tanh_mode) {
      const CT beta = CT(kSqrt2 * kTwoOverSqrtPi * 0.5);
      const CT kappa = CT(0.044715);
      CT cube = x * x * x;
      CT inner = beta * (x + kappa * cube);
      return CT(0.5) * x * (CT(1) + std::tanh(inner));
    }
    // ATen's orders: float (and the half types) overflow at the float max rather than returning x.
    const CT e = CT(1) + std::erf(x * CT(kSqrtHalf));
    if constexpr (std::is_same<CT, double>::value) return x * CT(0.5) * e;
    else return x * e * CT(0.5);
  });
}

}  // namespace portable
}  // namespace etb
