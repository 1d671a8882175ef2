// Helpers of the linear-algebra, normalization, pooling and reduction family:
// a typed dispatch over the storage types with the accumulator each one sums
// in (double for every floating type, so float32 and the half types
// accumulate exactly enough to match a float64 reference within one rounding;
// int64 for integers, whose wrapping sums then truncate like ATen's), strided
// element access and the dtype checks these kernels share.
#pragma once
#include <stdint.h>

#include <type_traits>

#include "runtime/half.h"
#include "runtime/kernel.h"
#include "runtime/tensor.h"

namespace etb {
namespace portable {

// Storage wrappers, so float16 and bfloat16 dispatch to distinct types.
struct Half16 {
  uint16_t bits;
};
struct BFloat16 {
  uint16_t bits;
};

template <typename T>
struct Acc {
  using type = typename std::conditional<std::is_integral<T>::value, int64_t, double>::type;
};

template <typename T>
inline typename Acc<T>::type ld(const T* p, int64_t i) {
  if constexpr (std::is_same<T, Half16>::value) {
    return double(half_to_float(p[i].bits));
  } else if constexpr (std::is_same<T, BFloat16>::value) {
    return double(bf16_to_float(p[i].bits));
  } else {
    return typename Acc<T>::type(p[i]);
  }
}

template <typename T>
inline void st(T* p, int64_t i, typename Acc<T>::type v) {
  if constexpr (std::is_same<T, Half16>::value) {
    p[i].bits = float_to_half(float(v));
  } else if constexpr (std::is_same<T, BFloat16>::value) {
    p[i].bits = float_to_bf16(float(v));
  } else if constexpr (std::is_integral<T>::value) {
    using U = typename std::make_unsigned<T>::type;
    p[i] = T(U(uint64_t(v)));  // wraps like ATen's integer arithmetic
  } else {
    p[i] = T(v);
  }
}

// Calls f(T()) with T the storage type of `t`; floating types only unless
// `ints`, then also uint8..int64 (never bool).
template <typename F>
inline Error dispatch_storage(KernelContext& ctx, ScalarType t, bool ints, F&& f) {
  switch (t) {
    case ScalarType::Float: f(float()); return Error::Ok;
    case ScalarType::Double: f(double()); return Error::Ok;
    case ScalarType::Half: f(Half16()); return Error::Ok;
    case ScalarType::BFloat16: f(BFloat16()); return Error::Ok;
    default: break;
  }
  if (ints) {
    switch (t) {
      case ScalarType::Byte: f(uint8_t()); return Error::Ok;
      case ScalarType::Char: f(int8_t()); return Error::Ok;
      case ScalarType::Short: f(int16_t()); return Error::Ok;
      case ScalarType::Int: f(int32_t()); return Error::Ok;
      case ScalarType::Long: f(int64_t()); return Error::Ok;
      default: break;
    }
  }
  return ctx.fail(Error::NotSupported, "dtype %s is not supported", scalar_type_name(t));
}

// Fails with NotSupported unless every tensor given has `dtype` (names the
// first that differs); null entries are skipped (absent optionals).
Error check_all_dtype(KernelContext& ctx, ScalarType dtype, const char* const* names, const Tensor* const* ts, int n);

// Fails with NotSupported unless `t` is floating (or, with ints, integral).
Error check_math_dtype(KernelContext& ctx, const Tensor& t, const char* name, bool ints);

// The element offset of logical index idx[0..t.dim) in t.
inline int64_t offset_of(const Tensor& t, const int64_t* idx) {
  int64_t o = 0;
  for (int32_t k = 0; k < t.dim; k++) o += idx[k] * t.strides[k];
  return o;
}

// Advances a row-major logical index over sizes[0..dim); false at the end.
inline bool next_index(int64_t* idx, const int32_t* sizes, int32_t dim) {
  for (int32_t k = dim - 1; k >= 0; k--) {
    if (++idx[k] < sizes[k]) return true;
    idx[k] = 0;
  }
  return false;
}

// Reads an `int[N]` argument that may hold 1 value (repeated) or N; fails
// naming `what` when it has another length or a value below `min`.
Error expand_param(KernelContext& ctx, Span<const int64_t> v, int n, int64_t fallback, int64_t min, const char* what,
                   int64_t* out);

}  // namespace portable
}  // namespace etb

namespace etb {
namespace portable {

// s + x * y in the accumulator type; integers wrap (computed unsigned).
inline double mac(double s, double x, double y) { return s + x * y; }
inline int64_t mac(int64_t s, int64_t x, int64_t y) { return int64_t(uint64_t(s) + uint64_t(x) * uint64_t(y)); }

// A strided 2-D operand: element (i, j) is p[i * s0 + j * s1].
template <typename T>
struct Mat {
  const T* p;
  int64_t s0, s1;
};

// Calls epi(i, j, sum_k a(i, k) * b(k, j)) for every (i, j) of an M x N
// product, summing k in order in the accumulator type. With `row` (N
// accumulators of scratch) and b's rows contiguous it runs i-k-j, a loop over
// j the compiler vectorizes; otherwise i-j-k dot products. Both add the same
// products in the same order, so results do not depend on the path.
template <typename T, typename Epi>
void matmul_loop(Mat<T> a, Mat<T> b, int64_t M, int64_t K, int64_t N, Epi epi,
                 typename Acc<T>::type* row = nullptr) {
  using A = typename Acc<T>::type;
  if (row != nullptr && b.s1 == 1) {
    for (int64_t i = 0; i < M; i++) {
      for (int64_t j = 0; j < N; j++) row[j] = A(0);
      for (int64_t k = 0; k < K; k++) {
        const A x = ld(a.p, i * a.s0 + k * a.s1);
        const T* br = b.p + k * b.s0;
        for (int64_t j = 0; j < N; j++) row[j] = mac(row[j], x, ld(br, j));
      }
      for (int64_t j = 0; j < N; j++) epi(i, j, row[j]);
    }
    return;
  }
  for (int64_t i = 0; i < M; i++) {
    const T* ar = a.p + i * a.s0;
    int64_t j = 0;
    for (; j + 4 <= N; j += 4) {  // four independent dot products: four add chains in flight
      const T* b0 = b.p + j * b.s1;
      const T* b1 = b0 + b.s1;
      const T* b2 = b1 + b.s1;
      const T* b3 = b2 + b.s1;
      A s0 = A(0), s1 = A(0), s2 = A(0), s3 = A(0);
      for (int64_t k = 0; k < K; k++) {
        const A x = ld(ar, k * a.s1);
        const int64_t o = k * b.s0;
        s0 = mac(s0, x, ld(b0, o));
        s1 = mac(s1, x, ld(b1, o));
        s2 = mac(s2, x, ld(b2, o));
        s3 = mac(s3, x, ld(b3, o));
      }
      epi(i, j, s0);
      epi(i, j + 1, s1);
      epi(i, j + 2, s2);
      epi(i, j + 3, s3);
    }
    for (; j < N; j++) {
      const T* bc = b.p + j * b.s1;
      A s = A(0);
      for (int64_t k = 0; k < K; k++) s = mac(s, ld(ar, k * a.s1), ld(bc, k * b.s0));
      epi(i, j, s);
    }
  }
}

// N accumulators of T's type from the temp allocator for matmul_loop's
// row path (null when there is no room: the dot-product path then runs).
template <typename T>
typename Acc<T>::type* matmul_row(KernelContext& ctx, int64_t N) {
  using A = typename Acc<T>::type;
  return N > 0 ? static_cast<A*>(ctx.allocate_temp(size_t(N) * sizeof(A), 64)) : nullptr;
}

}  // namespace portable
}  // namespace etb
