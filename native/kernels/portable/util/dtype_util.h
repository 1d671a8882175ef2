// Element loads and stores across dtypes, ATen's result_type and can_cast.
#pragma once
#include <stdint.h>

#include <type_traits>

#include "runtime/half.h"
#include "runtime/evalue.h"
#include "runtime/scalar_type.h"
#include "runtime/tensor.h"

namespace etb {
namespace portable {

// Element `i` of memory at `p` holding `t`, converted to CT.
template <typename CT>
inline CT load_as(const void* p, ScalarType t, int64_t i) {
  switch (t) {
    case ScalarType::Byte: return CT(static_cast<const uint8_t*>(p)[i]);
    case ScalarType::Char: return CT(static_cast<const int8_t*>(p)[i]);
    case ScalarType::Short: return CT(static_cast<const int16_t*>(p)[i]);
    case ScalarType::Int: return CT(static_cast<const int32_t*>(p)[i]);
    case ScalarType::Long: return CT(static_cast<const int64_t*>(p)[i]);
    case ScalarType::Float: return CT(static_cast<const float*>(p)[i]);
    case ScalarType::Double: return CT(static_cast<const double*>(p)[i]);
    case ScalarType::Bool: return CT(static_cast<const uint8_t*>(p)[i] != 0);
    case ScalarType::Half: return CT(half_to_float(static_cast<const uint16_t*>(p)[i]));
    case ScalarType::BFloat16: return CT(bf16_to_float(static_cast<const uint16_t*>(p)[i]));
    default: return CT(0);
  }
}

// Converts a floating value to an integer type without undefined behaviour
// (out-of-range values wrap like a two's complement cast of int64).
template <typename T>
inline T float_to_int(double v) {
  if (!(v == v)) return T(0);
  if (v >= 9.2233720368547758e18 || v <= -9.2233720368547758e18) return T(int64_t(INT64_MIN));
  return T(int64_t(v));
}

template <typename CT>
inline void store_as(void* p, ScalarType t, int64_t i, CT v) {
  constexpr bool kFloatSrc = CT(0.5) != CT(0);
  switch (t) {
    case ScalarType::Byte: static_cast<uint8_t*>(p)[i] = kFloatSrc ? float_to_int<uint8_t>(double(v)) : uint8_t(v); break;
    case ScalarType::Char: static_cast<int8_t*>(p)[i] = kFloatSrc ? float_to_int<int8_t>(double(v)) : int8_t(v); break;
    case ScalarType::Short: static_cast<int16_t*>(p)[i] = kFloatSrc ? float_to_int<int16_t>(double(v)) : int16_t(v); break;
    case ScalarType::Int: static_cast<int32_t*>(p)[i] = kFloatSrc ? float_to_int<int32_t>(double(v)) : int32_t(v); break;
    case ScalarType::Long: static_cast<int64_t*>(p)[i] = kFloatSrc ? float_to_int<int64_t>(double(v)) : int64_t(v); break;
    case ScalarType::Float: static_cast<float*>(p)[i] = float(v); break;
    case ScalarType::Double: static_cast<double*>(p)[i] = double(v); break;
    case ScalarType::Bool: static_cast<uint8_t*>(p)[i] = v != CT(0) ? 1 : 0; break;
    case ScalarType::Half: static_cast<uint16_t*>(p)[i] = float_to_half(float(v)); break;
    case ScalarType::BFloat16: static_cast<uint16_t*>(p)[i] = float_to_bf16(float(v)); break;
    default: break;
  }
}

// The ScalarType of a C++ element type.
template <typename T>
constexpr ScalarType dtype_of() {
  if constexpr (std::is_same<T, bool>::value) return ScalarType::Bool;
  else if constexpr (std::is_same<T, uint8_t>::value) return ScalarType::Byte;
  else if constexpr (std::is_same<T, int8_t>::value) return ScalarType::Char;
  else if constexpr (std::is_same<T, int16_t>::value) return ScalarType::Short;
  else if constexpr (std::is_same<T, int32_t>::value) return ScalarType::Int;
  else if constexpr (std::is_same<T, int64_t>::value) return ScalarType::Long;
  else if constexpr (std::is_same<T, float>::value) return ScalarType::Float;
  else return ScalarType::Double;
}

// The dtypes elementwise kernels accept: ATen's "real" types, bool and the
// two half types.
bool is_elementwise_dtype(ScalarType t);

// ATen's can_cast: no floating -> integral, no non-bool -> bool.
bool can_cast(ScalarType from, ScalarType to);

// ATen's result_type for two tensors: dimensioned tensors decide the width
// within a category; a zero-dim tensor only lifts the category.
bool binary_result_type(const Tensor& a, const Tensor& b, ScalarType* out);

// Result type of a tensor and a Scalar (wrapped number).
bool tensor_scalar_result_type(const Tensor& a, const Scalar& s, ScalarType* out);

// The type elementwise math runs in: half types compute in float.
inline ScalarType compute_type(ScalarType common) {
  return common == ScalarType::Half || common == ScalarType::BFloat16 ? ScalarType::Float : common;
}

}  // namespace portable
}  // namespace etb
