#include "kernels/portable/util/math_util.h"

namespace etb {
namespace portable {

Error check_all_dtype(KernelContext& ctx, ScalarType dtype, const char* const* names, const Tensor* const* ts, int n) {
  for (int i = 0; i < n; i++) {
    if (ts[i] != nullptr && ts[i]->dtype != dtype) {
      return ctx.fail(Error::NotSupported, "%s is %s but the operator computes in %s", names[i],
                      scalar_type_name(ts[i]->dtype), scalar_type_name(dtype));
    }
  }
  return Error::Ok;
}

Error check_math_dtype(KernelContext& ctx, const Tensor& t, const char* name, bool ints) {
  bool ok = is_floating(t.dtype) || (ints && is_integral(t.dtype, false));
  if (!ok) return ctx.fail(Error::NotSupported, "%s of dtype %s is not supported", name, scalar_type_name(t.dtype));
  return Error::Ok;
}

Error expand_param(KernelContext& ctx, Span<const int64_t> v, int n, int64_t fallback, int64_t min, const char* what,
                   int64_t* out) {
  if (v.size() == 0) {
    for (int i = 0; i < n; i++) out[i] = fallback;
  } else if (v.size() == 1 || int(v.size()) == n) {
    for (int i = 0; i < n; i++) out[i] = v[v.size() == 1 ? 0 : size_t(i)];
  } else {
    return ctx.fail(Error::InvalidArgument, "%s has %zu values, expected 1 or %d", what, v.size(), n);
  }
  for (int i = 0; i < n; i++) {
    if (out[i] < min || out[i] > INT32_MAX) {
      return ctx.fail(Error::InvalidArgument, "%s[%d] = %lld is out of range", what, i, static_cast<long long>(out[i]));
    }
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
