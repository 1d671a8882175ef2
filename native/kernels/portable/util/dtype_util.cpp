#include "kernels/portable/util/dtype_util.h"

namespace etb {
namespace portable {
namespace {

int category(ScalarType t) {
  if (t == ScalarType::Bool) return 0;
  if (is_integral(t, false)) return 1;
  return 2;
}

// c10's combine_categories(higher, lower).
ScalarType combine(ScalarType higher, bool has_higher, ScalarType lower, bool has_lower, bool* ok) {
  *ok = true;
  if (!has_higher) return lower;
  if (!has_lower) return higher;
  if (is_floating(higher)) return higher;
  if (higher == ScalarType::Bool || is_floating(lower)) {
    ScalarType r;
    *ok = promote_types(higher, lower, &r);
    return r;
  }
  return higher;
}

}  // namespace

bool is_elementwise_dtype(ScalarType t) {
  switch (t) {
    case ScalarType::Byte:
    case ScalarType::Char:
    case ScalarType::Short:
    case ScalarType::Int:
    case ScalarType::Long:
    case ScalarType::Float:
    case ScalarType::Double:
    case ScalarType::Bool:
    case ScalarType::Half:
    case ScalarType::BFloat16:
      return true;
    default:
      return false;
  }
}

bool can_cast(ScalarType from, ScalarType to) {
  if (is_floating(from) && is_integral(to, false)) return false;
  if (from != ScalarType::Bool && to == ScalarType::Bool) return false;
  return true;
}

bool binary_result_type(const Tensor& a, const Tensor& b, ScalarType* out) {
  bool ok = true;
  if ((a.dim == 0) == (b.dim == 0)) return promote_types(a.dtype, b.dtype, out);
  const Tensor& dimmed = a.dim != 0 ? a : b;
  const Tensor& zero = a.dim != 0 ? b : a;
  *out = combine(dimmed.dtype, true, zero.dtype, true, &ok);
  return ok;
}

bool tensor_scalar_result_type(const Tensor& a, const Scalar& s, ScalarType* out) {
  // A wrapped number takes the default type of its category: int64, float32, bool.
  ScalarType wrapped = s.kind == Scalar::Kind::Double ? ScalarType::Float
                       : s.kind == Scalar::Kind::Int  ? ScalarType::Long
                                                      : ScalarType::Bool;
  bool ok = true;
  if (category(wrapped) <= category(a.dtype)) {
    *out = a.dtype;
    return true;
  }
  *out = combine(a.dtype, true, wrapped, true, &ok);
  return ok;
}

}  // namespace portable
}  // namespace etb
