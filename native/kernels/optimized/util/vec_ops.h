// Float32 array primitives for the optimized pointwise, softmax and
// normalization kernels, with one implementation per instruction set.
//
//   const optimized::VecOps& v = optimized::vec_ops();   // for active_isa()
//   v.unary(UnaryOp::Sigmoid, x, y, n, 0, 0);
//
// The bodies are written once with GCC/Clang vector extensions
// (vec_ops_body.inc) and compiled per instruction set: vec_ops_avx2.cpp
// (8 lanes, target avx2+fma), vec_ops_neon.cpp (4 lanes, aarch64 only) and
// vec_ops_scalar.cpp (1 lane: the portable fallback every CPU can run).
// Pointers may alias when they are equal (in-place), never partially.
#pragma once
#include <stdint.h>

#include "kernels/optimized/util/cpu_features.h"

namespace etb {
namespace optimized {

enum class UnaryOp : uint8_t {
  Relu,         // x < 0 ? 0 : x (NaN and -0 pass)
  Sigmoid,      // 1 / (1 + e^-x)
  Tanh,
  Silu,         // x / (1 + e^-x)
  GeluErf,      // 0.5 x (1 + erf(x / sqrt 2))
  GeluTanh,     // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  Clamp,        // min(max(x, a), b); NaN passes
  Hardswish,    // x min(max(x + 3, 0), 6) / 6
  Hardsigmoid,  // min(max(x + 3, 0), 6) / 6
  Exp,
};

enum class BinaryOp : uint8_t { Add, Sub, Mul, Div };

struct VecOps {
  // y[i] = op(x[i]); a, b are Clamp's bounds (unused otherwise).
  void (*unary)(UnaryOp op, const float* x, float* y, int64_t n, float a, float b);
  // y[i] = a[i] op (alpha * b[i]) (alpha only for Add/Sub; alpha == 1 skips the multiply).
  void (*binary)(BinaryOp op, const float* a, const float* b, float* y, int64_t n, float alpha);
  // y[i] = a[i] op s, or s op a[i] when `scalar_first`.
  void (*binary_scalar)(BinaryOp op, const float* a, float s, float* y, int64_t n, bool scalar_first);
  // Softmax over one contiguous row.
  float (*row_max)(const float* x, int64_t n);
  // y[i] = exp(x[i] - shift); returns the sum of the y[i].
  float (*row_exp_sum)(const float* x, float shift, float* y, int64_t n);
  // y[i] = (x[i] - s1) - s2
  void (*row_sub2)(const float* x, float s1, float s2, float* y, int64_t n);
  // y[i] *= s
  void (*row_scale)(float* y, float s, int64_t n);
  // Softmax across rows (dim not innermost): elementwise over vectors of n.
  void (*col_max)(float* acc, const float* x, int64_t n);                      // acc = max(acc, x)
  void (*col_exp_sum)(const float* x, const float* m, float* y, float* sum, int64_t n);  // y = exp(x - m); sum += y
  void (*col_sub2)(const float* x, const float* m, const float* l, float* y, int64_t n);  // y = (x - m) - l
  void (*col_mul)(float* y, const float* s, int64_t n);                        // y *= s
  // Normalization statistics, accumulated in double.
  double (*row_sum_d)(const float* x, int64_t n);
  double (*row_sq_dev_d)(const float* x, double mean, int64_t n);  // sum of (x - mean)^2
  void (*col_sum_d)(double* acc, const float* x, int64_t n);          // acc[i] += double(x[i])
  // y = ((x - m) * s) * w[i] + b[i]; w and b may be null (1 and 0).
  void (*row_norm)(const float* x, float m, float s, const float* w, const float* b, float* y, int64_t n);
  // y = (x - m) * s + c
  void (*row_affine)(const float* x, float m, float s, float c, float* y, int64_t n);
  // Per-tensor int8/uint8 quantization as quantized_decomposed computes it:
  // q = clamp(round_half_even(x * inv) + zp, lo, hi), NaN -> 0. Needs
  // |zp|, |lo|, |hi| < 2^20 (x * inv is clamped to +-2^22 before rounding).
  void (*quantize_8)(const float* x, void* q, int64_t n, float inv, float zp, float lo, float hi, bool is_unsigned);
  // y = (float(q) - zp) * scale
  void (*dequantize_8)(const void* q, float* y, int64_t n, float zp, float scale, bool is_unsigned);
  // Softmax of `rows` contiguous rows of n: each row bit for bit row_max,
  // row_exp_sum, then row_scale by 1 / sum; several rows interleaved.
  void (*rows_softmax)(const float* x, float* y, int64_t n, int64_t rows);
};

// The table for `isa` (an instruction set this build has; scalar otherwise).
const VecOps& vec_ops_for(Isa isa);
// The table for active_isa().
inline const VecOps& vec_ops() { return vec_ops_for(active_isa()); }

namespace scalar_impl {
extern const VecOps kVecOps;
}
namespace avx2_impl {
extern const VecOps kVecOps;
}
namespace avx512_impl {
extern const VecOps kVecOps;
}
namespace neon_impl {
extern const VecOps kVecOps;
}

}  // namespace optimized
}  // namespace etb
