// Shared body of binary elementwise kernels (add, mul, ...): dtype checks at
// prepare, broadcasting and type promotion at run time, computing in the
// promoted type (half types in float) and casting to out's dtype.
#pragma once
#include <type_traits>

#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/dtype_util.h"
#include "runtime/kernel.h"

namespace etb {
namespace portable {

// Wrapping integer arithmetic (ATen wraps on overflow; C++ signed overflow
// would be undefined). Bool add/mul are logical or/and.
template <typename T>
inline T add_wrap(T a, T b) {
  if constexpr (std::is_same<T, bool>::value) {
    return a || b;
  } else if constexpr (std::is_integral<T>::value) {
    using U = typename std::make_unsigned<T>::type;
    return T(U(a) + U(b));
  } else {
    return a + b;
  }
}

template <typename T>
inline T mul_wrap(T a, T b) {
  if constexpr (std::is_same<T, bool>::value) {
    return a && b;
  } else if constexpr (std::is_integral<T>::value) {
    using U = typename std::make_unsigned<T>::type;
    return T(U(a) * U(b));
  } else {
    return a * b;
  }
}

// Checks dtypes and the alpha/scalar kinds; returns the promoted type.
Error check_binary_dtypes(KernelContext& ctx, ScalarType a, ScalarType b, ScalarType common, ScalarType out,
                          const Scalar* alpha);

// Calls f.template operator()<CT>() with CT the C++ type of `compute`.
template <typename F>
inline Error dispatch_compute(KernelContext& ctx, ScalarType compute, F&& f) {
  switch (compute) {
    case ScalarType::Bool: f(bool()); return Error::Ok;
    case ScalarType::Byte: f(uint8_t()); return Error::Ok;
    case ScalarType::Char: f(int8_t()); return Error::Ok;
    case ScalarType::Short: f(int16_t()); return Error::Ok;
    case ScalarType::Int: f(int32_t()); return Error::Ok;
    case ScalarType::Long: f(int64_t()); return Error::Ok;
    case ScalarType::Float: f(float()); return Error::Ok;
    case ScalarType::Double: f(double()); return Error::Ok;
    default: return ctx.fail(Error::NotSupported, "no compute path for %s", scalar_type_name(compute));
  }
}

// out[i] = op(a[i], b[i]) with broadcasting, computed in CT.
template <typename CT, typename Op>
void binary_loop(const Tensor& a, const Tensor& b, Tensor& out, Op op) {
  constexpr ScalarType kType = dtype_of<CT>();
  // Fast path: one dtype (not bool, whose bytes may hold values other than
  // 0/1), no broadcasting, one layout.
  if (kType != ScalarType::Bool && a.dtype == kType && b.dtype == kType && out.dtype == kType &&
      same_layout(a, out) && same_layout(b, out)) {
    const CT* pa = a.data_as<const CT>();
    const CT* pb = b.data_as<const CT>();
    CT* po = out.data_as<CT>();
    int64_t n = out.numel();
    for (int64_t i = 0; i < n; i++) po[i] = op(pa[i], pb[i]);
    return;
  }
  const Tensor* inputs[2] = {&a, &b};
  BroadcastIterator it(out, inputs, 2);
  for (int64_t i = 0; i < it.size(); i++, it.next()) {
    CT x = load_as<CT>(a.data, a.dtype, it.offset(0));
    CT y = load_as<CT>(b.data, b.dtype, it.offset(1));
    store_as<CT>(out.data, out.dtype, it.out_offset(), op(x, y));
  }
}

// Checks a tensor-scalar overload: the result type must equal out's dtype.
Error check_scalar_binary(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar* alpha,
                          const Tensor& out);

// A 0-d tensor of `dtype` holding `value` in `storage` (8 bytes, caller-owned),
// so tensor-scalar overloads reuse the tensor path.
Tensor scalar_tensor(ScalarType dtype, const Scalar& value, int64_t* storage);

// Resizes out to the broadcast shape of a and b.
Error resize_to_broadcast(KernelContext& ctx, const Tensor& a, const Tensor& b, Tensor& out);

}  // namespace portable
}  // namespace etb
