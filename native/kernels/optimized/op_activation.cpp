// Optimized float32 activations: relu, sigmoid, tanh, silu, gelu (both
// approximations), hardtanh, hardswish, hardsigmoid and clamp (Scalar
// bounds), over dense self and out (in place too). relu, clamp and hardtanh
// give the portable kernel's bits; the others are within a few ulp (see
// util/vec_ops_body.inc). Other dtypes and layouts use the portable kernels:
// prepare reports NotSupported, and a call whose tensors changed layout since
// load is handed to the portable kernel.
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/pointwise.h"
#include "kernels/optimized/util/vec_ops.h"

namespace etb {
namespace optimized {
namespace {

// Float operations per element, to decide when threads pay.
double cost_of(UnaryOp op) {
  switch (op) {
    case UnaryOp::Relu:
    case UnaryOp::Clamp:
    case UnaryOp::Hardsigmoid:
    case UnaryOp::Hardswish: return 2.0;
    default: return 30.0;
  }
}

bool handles(const Tensor& self, const Tensor& out) { return dense_f32(self) && dense_f32(out); }

Error apply(KernelContext& ctx, UnaryOp op, const Tensor& self, Tensor& out, float a = 0.0f, float b = 0.0f) {
  ETB_RETURN_IF_ERROR(resize_to(ctx, out, self.sizes, self.dim));
  const VecOps& v = vec_ops();
  const float* x = self.data_as<const float>();
  float* y = out.data_as<float>();
  for_range(ctx, self.numel(), 16384, cost_of(op), [&](int64_t s, int64_t e) { v.unary(op, x + s, y + s, e - s, a, b); });
  return Error::Ok;
}

Error not_supported(KernelContext& ctx) {
  return ctx.fail(Error::NotSupported, "handles dense float32 self and out only");
}

// A Scalar bound as the portable kernel rounds it to float.
float bound(const Scalar& s) {
  return s.kind == Scalar::Kind::Int ? float(s.i) : s.kind == Scalar::Kind::Bool ? float(s.b) : float(s.d);
}

}  // namespace

// Each operator: prepare = our layout check, then the portable checks;
// run = the vector loop, or the portable kernel when the layout changed.
#define ETB_OPT_UNARY(name, op)                                                          \
  Error opt_##name##_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) {  \
    if (!handles(self, out)) return not_supported(ctx);                                  \
    return portable::name##_out_prepare(ctx, self, out);                                 \
  }                                                                                      \
  Error opt_##name##_out(KernelContext& ctx, const Tensor& self, Tensor& out) {          \
    if (!handles(self, out)) return portable::name##_out(ctx, self, out);                \
    return apply(ctx, op, self, out);                                                    \
  }

ETB_OPT_UNARY(relu, UnaryOp::Relu)
ETB_OPT_UNARY(sigmoid, UnaryOp::Sigmoid)
ETB_OPT_UNARY(tanh, UnaryOp::Tanh)
ETB_OPT_UNARY(silu, UnaryOp::Silu)
ETB_OPT_UNARY(hardswish, UnaryOp::Hardswish)
ETB_OPT_UNARY(hardsigmoid, UnaryOp::Hardsigmoid)
#undef ETB_OPT_UNARY

Error opt_gelu_out_prepare(KernelContext& ctx, const Tensor& self, StringView approximate, Tensor& out) {
  if (!handles(self, out)) return not_supported(ctx);
  return portable::gelu_out_prepare(ctx, self, approximate, out);
}

Error opt_gelu_out(KernelContext& ctx, const Tensor& self, StringView approximate, Tensor& out) {
  if (!handles(self, out)) return portable::gelu_out(ctx, self, approximate, out);
  return apply(ctx, approximate.equals("tanh") ? UnaryOp::GeluTanh : UnaryOp::GeluErf, self, out);
}

Error opt_hardtanh_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& min_val, const Scalar& max_val,
                               Tensor& out) {
  if (!handles(self, out)) return not_supported(ctx);
  return portable::hardtanh_out_prepare(ctx, self, min_val, max_val, out);
}

Error opt_hardtanh_out(KernelContext& ctx, const Tensor& self, const Scalar& min_val, const Scalar& max_val,
                       Tensor& out) {
  if (!handles(self, out)) return portable::hardtanh_out(ctx, self, min_val, max_val, out);
  // hardtanh reads both bounds as doubles (ATen's legacy rule), then rounds to float.
  return apply(ctx, UnaryOp::Clamp, self, out, float(min_val.to_double()), float(max_val.to_double()));
}

Error opt_clamp_out_prepare(KernelContext& ctx, const Tensor& self, const Optional<Scalar>& min,
                            const Optional<Scalar>& max, Tensor& out) {
  if (!handles(self, out)) return not_supported(ctx);
  return portable::clamp_out_prepare(ctx, self, min, max, out);
}

Error opt_clamp_out(KernelContext& ctx, const Tensor& self, const Optional<Scalar>& min, const Optional<Scalar>& max,
                    Tensor& out) {
  if (!handles(self, out)) return portable::clamp_out(ctx, self, min, max, out);
  // A missing bound clamps nothing: -inf and +inf leave every value (NaN too) as it is.
  const float lo = min.has_value ? bound(min.value) : -__builtin_inff();
  const float hi = max.has_value ? bound(max.value) : __builtin_inff();
  return apply(ctx, UnaryOp::Clamp, self, out, lo, hi);
}

}  // namespace optimized
}  // namespace etb
