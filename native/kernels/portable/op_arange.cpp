// aten::arange.out and arange.start_out: [start, end) in steps of `step`,
// out resized to the length ATen computes (ceil((end - start) / step) in
// double; an int64 out with integer bounds uses the exact integer formula). Values are
// start + step * i in ATen's accumulate type (int64 for integer outs, with
// start and step truncated; double for float32/float64; float for the half
// types), then cast to out's dtype.
#include <cmath>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error arange_length(KernelContext& ctx, const Scalar& start, const Scalar& end, const Scalar& step, ScalarType t,
                    int64_t* n) {
  const double s = start.to_double(), e = end.to_double(), d = step.to_double();
  if (!std::isfinite(s) || !std::isfinite(e)) return ctx.fail(Error::InvalidArgument, "unsupported range: %g -> %g", s, e);
  // ATen validates in double, even for integer outs (a step of 0.25 passes, then truncates to 0).
  const bool positive = d > 0, negative = d < 0;
  if (!positive && !negative) return ctx.fail(Error::InvalidArgument, "step must be nonzero");
  if ((positive && e < s) || (negative && e > s)) {
    return ctx.fail(Error::InvalidArgument, "upper bound and larger bound inconsistent with step sign");
  }
  double size;
  const bool all_int = !start.is_floating() && !end.is_floating() && !step.is_floating();
  if (t == ScalarType::Long && all_int) {
    const int64_t a = start.to_int(), b = end.to_int(), k = step.to_int();
    const int64_t sign = k > 0 ? 1 : -1;
    size = double((b - a + k - sign) / k);  // ATen's int64 formula: integer division
  } else {
    size = std::ceil((e - s) / d);
  }
  if (!(size >= 0) || size > double(INT32_MAX)) return ctx.fail(Error::InvalidArgument, "arange length %g", size);
  *n = int64_t(size);
  return Error::Ok;
}

Error check(KernelContext& ctx, const Scalar& start, const Scalar& end, const Scalar& step, const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, out, "out"));
  if (out.dtype == ScalarType::Bool) return ctx.fail(Error::NotSupported, "unsupported out dtype bool");
  if (out.dim != 1) return ctx.fail(Error::InvalidArgument, "out must have rank 1, has %d", out.dim);
  int64_t n;
  return arange_length(ctx, start, end, step, out.dtype, &n);
}

Error fill(KernelContext& ctx, const Scalar& start, const Scalar& end, const Scalar& step, Tensor& out) {
  int64_t n;
  ETB_RETURN_IF_ERROR(arange_length(ctx, start, end, step, out.dtype, &n));
  int32_t size = int32_t(n);
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, &size, 1));
  const int64_t stride = out.strides[0];
  if (is_integral(out.dtype, false)) {
    using U = uint64_t;
    const U a = U(start.to_int()), k = U(step.to_int());
    for (int64_t i = 0; i < n; i++) store_as<int64_t>(out.data, out.dtype, i * stride, int64_t(a + k * U(i)));
  } else if (out.dtype == ScalarType::Half || out.dtype == ScalarType::BFloat16) {
    const float a = float(start.to_double()), k = float(step.to_double());
    for (int64_t i = 0; i < n; i++) store_as<float>(out.data, out.dtype, i * stride, a + k * float(i));
  } else {
    const double a = start.to_double(), k = step.to_double();
    for (int64_t i = 0; i < n; i++) store_as<double>(out.data, out.dtype, i * stride, a + k * double(i));
  }
  return Error::Ok;
}

Scalar int_scalar(int64_t v) {
  Scalar s;
  s.kind = Scalar::Kind::Int;
  s.i = v;
  return s;
}

}  // namespace

Error arange_out_prepare(KernelContext& ctx, const Scalar& end, Tensor& out) {
  return check(ctx, int_scalar(0), end, int_scalar(1), out);
}

Error arange_out(KernelContext& ctx, const Scalar& end, Tensor& out) {
  return fill(ctx, int_scalar(0), end, int_scalar(1), out);
}

Error arange_start_out_prepare(KernelContext& ctx, const Scalar& start, const Scalar& end, const Scalar& step,
                               Tensor& out) {
  return check(ctx, start, end, step, out);
}

Error arange_start_out(KernelContext& ctx, const Scalar& start, const Scalar& end, const Scalar& step, Tensor& out) {
  return fill(ctx, start, end, step, out);
}

}  // namespace portable
}  // namespace etb
