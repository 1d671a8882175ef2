// Optimized float32 add, sub, mul and div (Tensor and Scalar overloads) over
// dense tensors: same shapes, a one-element operand, and one operand that
// broadcasts as [1.., M.., 1..] against the other's full shape (a bias row
// [N] against [R, N], a per-channel [C, 1, 1] against [N, C, H, W]). Each
// element is computed as the portable kernel computes it in float32
// (self op alpha * other), so results are bit-identical. Other dtypes,
// layouts and broadcasts use the portable kernels.
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/pointwise.h"
#include "kernels/optimized/util/vec_ops.h"

namespace etb {
namespace optimized {
namespace {

// A relu / hardtanh / clamp fused into an add at load (passes/fuse_activations.cpp
// fuses only same-shape float32 adds; any other path still honours the bounds).
bool clamped(const KernelContext& ctx) { return ctx.out_lo != -__builtin_inff() || ctx.out_hi != __builtin_inff(); }

void clamp_range(const KernelContext& ctx, float* y, int64_t n) {
  // Relu's own rule (-0 and NaN pass) where the bounds are relu's.
  if (ctx.out_lo == 0.0f && ctx.out_hi == __builtin_inff()) return vec_ops().unary(UnaryOp::Relu, y, y, n, 0, 0);
  vec_ops().unary(UnaryOp::Clamp, y, y, n, ctx.out_lo, ctx.out_hi);
}

// Clamps a finished out in place (the broadcast and portable paths).
Error clamp_out(KernelContext& ctx, Tensor& out) {
  if (!clamped(ctx)) return Error::Ok;
  if (!dense_f32(out)) return ctx.fail(Error::NotSupported, "a fused activation needs a dense float32 out");
  clamp_range(ctx, out.data_as<float>(), out.numel());
  return Error::Ok;
}

float scalar_f(const Scalar& s) {
  return s.kind == Scalar::Kind::Int ? float(s.i) : s.kind == Scalar::Kind::Bool ? float(s.b) : float(s.d);
}

// How the small operand `b` (sizes left-padded to rank r) meets the full
// shape: 1 on [0, p), equal on [p, q), 1 on [q, r).
struct Pattern {
  int64_t outer = 1, mid = 1, inner = 1;
};

bool pattern_of(const Tensor& full, const Tensor& b, Pattern* pt) {
  const int32_t r = full.dim, off = full.dim - b.dim;
  if (off < 0) return false;
  int32_t k = 0;
  auto bs = [&](int32_t i) { return i < off ? 1 : b.sizes[i - off]; };
  for (; k < r && bs(k) == 1; k++) pt->outer *= full.sizes[k];
  for (; k < r && bs(k) == full.sizes[k] && bs(k) != 1; k++) pt->mid *= full.sizes[k];
  for (; k < r; k++) {
    if (bs(k) != 1) return false;
    pt->inner *= full.sizes[k];
  }
  return true;
}

bool same_sizes(const Tensor& a, const Tensor& b) {
  if (a.dim != b.dim) return false;
  for (int32_t i = 0; i < a.dim; i++)
    if (a.sizes[i] != b.sizes[i]) return false;
  return true;
}

enum class Plan { None, Same, Scalar, Broadcast };

// `b_is_self`: the small operand is self (so a scalar goes first).
Plan plan_of(const Tensor& self, const Tensor& other, const Tensor& out, float alpha, const Tensor** full,
             const Tensor** small, Pattern* pt) {
  if (!dense_f32(self) || !dense_f32(other) || !dense_f32(out)) return Plan::None;
  if (same_sizes(self, other)) {
    *full = &self, *small = &other;
    return Plan::Same;
  }
  const bool other_small = other.numel() <= self.numel();
  *full = other_small ? &self : &other;
  *small = other_small ? &other : &self;
  // alpha scales other; with self the small operand the scalar-first form would need it on the full side.
  if (!other_small && alpha != 1.0f) return Plan::None;
  if ((*small)->numel() == 1 && (*small)->dim <= (*full)->dim) return Plan::Scalar;
  *pt = Pattern{};
  return pattern_of(**full, **small, pt) ? Plan::Broadcast : Plan::None;
}

Error run_tensor(KernelContext& ctx, BinaryOp op, const Tensor& self, const Tensor& other, float alpha, Tensor& out,
                 Plan plan, const Tensor& full, const Tensor& small, const Pattern& pt) {
  ETB_RETURN_IF_ERROR(resize_to(ctx, out, full.sizes, full.dim));
  const VecOps& v = vec_ops();
  float* y = out.data_as<float>();
  const float* f = full.data_as<const float>();
  const float* s = small.data_as<const float>();
  const bool small_first = &small == &self && plan != Plan::Same;
  const int64_t n = full.numel();
  if (n == 0) return Error::Ok;
  if (plan == Plan::Same) {
    const float* a = self.data_as<const float>();
    const float* b = other.data_as<const float>();
    const bool clamp = clamped(ctx);
    for_range(ctx, n, 16384, 1.0, [&](int64_t i, int64_t e) {
      v.binary(op, a + i, b + i, y + i, e - i, alpha);
      if (clamp) clamp_range(ctx, y + i, e - i);
    });
  } else if (plan == Plan::Scalar) {
    const float c = small_first ? s[0] : alpha * s[0];
    for_range(ctx, n, 16384, 1.0, [&](int64_t i, int64_t e) { v.binary_scalar(op, f + i, c, y + i, e - i, small_first); });
  } else if (pt.inner == 1) {
    // The small operand is a row of `mid` repeated `outer` times.
    const int64_t m = pt.mid;
    for_range(ctx, pt.outer, 1 + 16384 / m, double(m), [&](int64_t o0, int64_t o1) {
      for (int64_t o = o0; o < o1; o++) {
        const float* fr = f + o * m;
        if (small_first) {
          v.binary(op, s, fr, y + o * m, m, alpha);
        } else {
          v.binary(op, fr, s, y + o * m, m, alpha);
        }
      }
    });
  } else {
    // One value of the small operand per segment of `inner` elements.
    const int64_t in = pt.inner;
    for_range(ctx, pt.outer * pt.mid, 1 + 16384 / in, double(in), [&](int64_t g0, int64_t g1) {
      for (int64_t g = g0; g < g1; g++) {
        const float c = small_first ? s[g % pt.mid] : alpha * s[g % pt.mid];
        v.binary_scalar(op, f + g * in, c, y + g * in, in, small_first);
      }
    });
  }
  return Error::Ok;
}

Error not_supported(KernelContext& ctx) {
  return ctx.fail(Error::NotSupported,
                  "handles dense float32 operands of the same shape, one element, or a [1.., M.., 1..] broadcast only");
}

bool tensor_ok(const Tensor& self, const Tensor& other, const Tensor& out, float alpha) {
  const Tensor *f, *s;
  Pattern pt;
  return plan_of(self, other, out, alpha, &f, &s, &pt) != Plan::None;
}

Error tensor_op(KernelContext& ctx, BinaryOp op, const Tensor& self, const Tensor& other, float alpha, Tensor& out,
                bool* handled) {
  const Tensor *f, *s;
  Pattern pt;
  const Plan plan = plan_of(self, other, out, alpha, &f, &s, &pt);
  *handled = plan != Plan::None;
  if (!*handled) return Error::Ok;
  ETB_RETURN_IF_ERROR(run_tensor(ctx, op, self, other, alpha, out, plan, *f, *s, pt));
  return plan == Plan::Same ? Error::Ok : clamp_out(ctx, out);
}

Error scalar_op(KernelContext& ctx, BinaryOp op, const Tensor& self, float c, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_to(ctx, out, self.sizes, self.dim));
  const VecOps& v = vec_ops();
  const float* x = self.data_as<const float>();
  float* y = out.data_as<float>();
  for_range(ctx, self.numel(), 16384, 1.0, [&](int64_t i, int64_t e) { v.binary_scalar(op, x + i, c, y + i, e - i, false); });
  return Error::Ok;
}

bool scalar_ok(const Tensor& self, const Tensor& out) { return dense_f32(self) && dense_f32(out); }

}  // namespace

// Tensor overloads: prepare = our plan check, then the portable checks.
#define ETB_OPT_BINARY_ALPHA(name, op)                                                                              \
  Error opt_##name##_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, const Scalar& alpha, \
                                 Tensor& out) {                                                                     \
    if (!tensor_ok(self, other, out, scalar_f(alpha))) return not_supported(ctx);                                   \
    return portable::name##_out_prepare(ctx, self, other, alpha, out);                                              \
  }                                                                                                                 \
  Error opt_##name##_out(KernelContext& ctx, const Tensor& self, const Tensor& other, const Scalar& alpha,          \
                         Tensor& out) {                                                                             \
    bool handled;                                                                                                   \
    Error e = tensor_op(ctx, op, self, other, scalar_f(alpha), out, &handled);                                      \
    if (handled) return e;                                                                                          \
    ETB_RETURN_IF_ERROR(portable::name##_out(ctx, self, other, alpha, out));                                        \
    return clamp_out(ctx, out);                                                                                     \
  }                                                                                                                 \
  Error opt_##name##_scalar_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other,               \
                                        const Scalar& alpha, Tensor& out) {                                         \
    if (!scalar_ok(self, out)) return not_supported(ctx);                                                           \
    return portable::name##_scalar_out_prepare(ctx, self, other, alpha, out);                                       \
  }                                                                                                                 \
  Error opt_##name##_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar& alpha,   \
                                Tensor& out) {                                                                      \
    if (!scalar_ok(self, out)) return portable::name##_scalar_out(ctx, self, other, alpha, out);                   \
    return scalar_op(ctx, op, self, scalar_f(alpha) * scalar_f(other), out);                                        \
  }

#define ETB_OPT_BINARY(name, op)                                                                              \
  Error opt_##name##_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) { \
    if (!tensor_ok(self, other, out, 1.0f)) return not_supported(ctx);                                       \
    return portable::name##_out_prepare(ctx, self, other, out);                                              \
  }                                                                                                          \
  Error opt_##name##_out(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out) {         \
    bool handled;                                                                                            \
    Error e = tensor_op(ctx, op, self, other, 1.0f, out, &handled);                                          \
    return handled ? e : portable::name##_out(ctx, self, other, out);                                        \
  }                                                                                                          \
  Error opt_##name##_scalar_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other,        \
                                        Tensor& out) {                                                       \
    if (!scalar_ok(self, out)) return not_supported(ctx);                                                    \
    return portable::name##_scalar_out_prepare(ctx, self, other, out);                                       \
  }                                                                                                          \
  Error opt_##name##_scalar_out(KernelContext& ctx, const Tensor& self, const Scalar& other, Tensor& out) { \
    if (!scalar_ok(self, out)) return portable::name##_scalar_out(ctx, self, other, out);                   \
    return scalar_op(ctx, op, self, scalar_f(other), out);                                                   \
  }

ETB_OPT_BINARY_ALPHA(add, BinaryOp::Add)
ETB_OPT_BINARY_ALPHA(sub, BinaryOp::Sub)
ETB_OPT_BINARY(mul, BinaryOp::Mul)
ETB_OPT_BINARY(div, BinaryOp::Div)
#undef ETB_OPT_BINARY_ALPHA
#undef ETB_OPT_BINARY

}  // namespace optimized
}  // namespace etb
