// Shared pieces of the elementwise family (unary math, activations, clamp,
// sub/div/pow, quantize): dtype rules (ATen's result type with Scalars, the
// float promotion of float-only ops, the out checks), half rounding, and
// loops over one or three inputs that honour dim order and broadcasting.
#pragma once
#include <cmath>

#include "kernels/portable/util/binary_util.h"

namespace etb {
namespace portable {

// `v` (computed in float for float16/bfloat16) rounded to `t` when `t` is a
// half type: ATen rounds the result to the common dtype before the out cast.
template <typename CT>
inline CT round_to(ScalarType t, CT v) {
  if constexpr (std::is_same<CT, float>::value) {
    if (t == ScalarType::Half) return half_to_float(float_to_half(v));
    if (t == ScalarType::BFloat16) return bf16_to_float(float_to_bf16(v));
  }
  return v;
}

// A Scalar as CT (integers wrap, floats truncate, as c10's Scalar::to does
// for in-range values).
template <typename CT>
inline CT scalar_as(const Scalar& s) {
  if (s.kind == Scalar::Kind::Double) {
    if constexpr (std::is_floating_point<CT>::value) return CT(s.d);
    else if constexpr (std::is_same<CT, bool>::value) return s.d != 0;
    else return float_to_int<CT>(s.d);
  }
  if (s.kind == Scalar::Kind::Bool) return CT(s.b);
  return CT(s.i);
}

// ATen's result_type of self and up to two wrapped Scalars (null: absent).
bool scalars_result_type(const Tensor& self, const Scalar* a, const Scalar* b, ScalarType* out);

// The dtype a float-only op (sigmoid, div, ...) computes in: floating types
// stay, integers and bool promote to the default float32.
inline ScalarType float_type(ScalarType t) { return is_floating(t) ? t : ScalarType::Float; }

// Fails with NotSupported naming both dtypes unless `common` casts safely to out.
Error check_cast_to_out(KernelContext& ctx, ScalarType self, ScalarType common, ScalarType out);

// Fails with NotSupported unless out's dtype is exactly `common` (structured
// ATen ops: neg, clamp, pow.Tensor_Scalar, hardtanh).
Error check_out_is(KernelContext& ctx, ScalarType self, ScalarType common, ScalarType out);

// Fails with NotSupported naming the dtype when t is not an elementwise dtype.
Error check_elementwise(KernelContext& ctx, const Tensor& t, const char* name);

// Resizes out to the broadcast of a with b and c (either may be null).
Error resize_to_broadcast3(KernelContext& ctx, const Tensor& a, const Tensor* b, const Tensor* c, Tensor& out);

// Resizes out to self's sizes (same rank required).
Error resize_like(KernelContext& ctx, const Tensor& self, Tensor& out);

// out[i] = op(self[i]) computed in CT, any dim order on either side.
template <typename CT, typename Op>
void unary_loop(const Tensor& self, Tensor& out, Op op) {
  constexpr ScalarType kType = dtype_of<CT>();
  if (kType != ScalarType::Bool && self.dtype == kType && out.dtype == kType && same_layout(self, out)) {
    const CT* in = self.data_as<const CT>();
    CT* po = out.data_as<CT>();
    int64_t n = out.numel();
    for (int64_t i = 0; i < n; i++) po[i] = op(in[i]);
    return;
  }
  const Tensor* inputs[1] = {&self};
  BroadcastIterator it(out, inputs, 1);
  for (int64_t i = 0; i < it.size(); i++, it.next()) {
    store_as<CT>(out.data, out.dtype, it.out_offset(), op(load_as<CT>(self.data, self.dtype, it.offset(0))));
  }
}

// out[i] = op(a[i], b[i], c[i]) with broadcasting, computed in CT.
template <typename CT, typename Op>
void ternary_loop(const Tensor& a, const Tensor& b, const Tensor& c, Tensor& out, Op op) {
  const Tensor* inputs[3] = {&a, &b, &c};
  BroadcastIterator it(out, inputs, 3);
  for (int64_t i = 0; i < it.size(); i++, it.next()) {
    CT x = load_as<CT>(a.data, a.dtype, it.offset(0));
    CT y = load_as<CT>(b.data, b.dtype, it.offset(1));
    CT z = load_as<CT>(c.data, c.dtype, it.offset(2));
    store_as<CT>(out.data, out.dtype, it.out_offset(), op(x, y, z));
  }
}

// ATen's result_type over up to three tensors (null: absent): dimensioned
// tensors decide within a category, zero-dim ones only lift the category.
bool tensors_result_type(const Tensor* a, const Tensor* b, const Tensor* c, ScalarType* out);

// std::max / std::min as ATen's scalar clamp uses them: a NaN `x` passes
// through, ties keep x (so -0 stays -0 against a 0 bound).
template <typename CT>
inline CT clamp_low(CT x, CT lo) {
  return x < lo ? lo : x;
}
template <typename CT>
inline CT clamp_high(CT x, CT hi) {
  return hi < x ? hi : x;
}

// Shared body of the float-only unary ops: self promoted to float32 when it
// is an integer or bool, computed in float (double for float64), rounded to
// the common dtype, cast to out. `f` is a generic lambda.
Error unary_float_prepare(KernelContext& ctx, const Tensor& self, const Tensor& out);

// Prepare of the float-only activations that ATen dispatches on float types
// alone (leaky_relu, elu, silu, hardswish, hardsigmoid): out has self's dtype.
Error float_activation_prepare(KernelContext& ctx, const Tensor& self, const Tensor& out);

template <typename F>
Error unary_float_apply(KernelContext& ctx, const Tensor& self, Tensor& out, F f) {
  ETB_RETURN_IF_ERROR(resize_like(ctx, self, out));
  ScalarType common = float_type(self.dtype);
  if (common == ScalarType::Double) {
    unary_loop<double>(self, out, [&](double x) { return f(x); });
  } else {
    unary_loop<float>(self, out, [&](float x) { return round_to<float>(common, f(x)); });
  }
  return Error::Ok;
}

// minimum.out / maximum.out: two broadcast tensors in their result type (safely cast to out);
// a NaN on either side wins, as in ATen; on bool, minimum is logical and, maximum logical or.
Error extremum_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, const Tensor& out);
Error extremum_apply(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out, bool maximum);

}  // namespace portable
}  // namespace etb
