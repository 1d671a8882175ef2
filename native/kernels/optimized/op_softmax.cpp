// aten::_softmax.out and aten::_log_softmax.out (optimized): float32, any
// dim, dense self and out. The innermost dim runs row by row (max, exp and
// sum in one pass, then a scale or subtract); another dim runs across rows,
// vectorized over the dims after it in blocks kept on the stack. Sums are
// float32 in vector lanes (the portable kernel sums in double): within the
// suites' float32 tolerance. Other dtypes, layouts and half_to_float use the
// portable kernel.
#include <math.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/pointwise.h"
#include "kernels/optimized/util/vec_ops.h"

namespace etb {
namespace optimized {
namespace {

constexpr int64_t kBlock = 256;  // inner positions per stack block (2 KiB of state)

struct Geometry {
  int64_t outer, n, inner;
};

bool plan(const Tensor& self, int64_t dim, bool half_to_float, const Tensor& out, bool log, Geometry* g) {
  if (half_to_float || !dense_f32(self) || !dense_f32(out)) return false;
  // Log-softmax writes exp into out before reading self again.
  if (log && self.data != nullptr && self.data == out.data && self.numel() > 0) return false;
  const int64_t rank = self.dim;
  const int64_t d = dim < 0 ? dim + (rank == 0 ? 1 : rank) : dim;
  if (d < 0 || d >= (rank == 0 ? 1 : rank)) return false;
  g->outer = 1, g->n = 1, g->inner = 1;
  for (int64_t k = 0; k < rank; k++) {
    const int64_t s = self.sizes[k];
    if (k < d) g->outer *= s;
    if (k == d) g->n = s;
    if (k > d) g->inner *= s;
  }
  return true;
}

void rows(const VecOps& v, const float* x, float* y, int64_t n, int64_t r0, int64_t r1, bool log) {
  if (!log) return v.rows_softmax(x + r0 * n, y + r0 * n, n, r1 - r0);
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = x + r * n;
    float* yr = y + r * n;
    const float m = v.row_max(xr, n);
    v.row_sub2(xr, m, logf(v.row_exp_sum(xr, m, yr, n)), yr, n);
  }
}

// Task t covers outer index t / blocks and inner block t % blocks.
void columns(const VecOps& v, const float* x, float* y, const Geometry& g, int64_t t0, int64_t t1, bool log) {
  const int64_t blocks = (g.inner + kBlock - 1) / kBlock;
  float m[kBlock], s[kBlock];
  for (int64_t t = t0; t < t1; t++) {
    const int64_t o = t / blocks, i0 = (t % blocks) * kBlock;
    const int64_t w = g.inner - i0 < kBlock ? g.inner - i0 : kBlock;
    const float* xb = x + o * g.n * g.inner + i0;
    float* yb = y + o * g.n * g.inner + i0;
    for (int64_t i = 0; i < w; i++) m[i] = -INFINITY, s[i] = 0.0f;
    for (int64_t j = 0; j < g.n; j++) v.col_max(m, xb + j * g.inner, w);
    for (int64_t j = 0; j < g.n; j++) v.col_exp_sum(xb + j * g.inner, m, yb + j * g.inner, s, w);
    if (log) {
      for (int64_t i = 0; i < w; i++) s[i] = logf(s[i]);
      for (int64_t j = 0; j < g.n; j++) v.col_sub2(xb + j * g.inner, m, s, yb + j * g.inner, w);
    } else {
      for (int64_t i = 0; i < w; i++) s[i] = 1.0f / s[i];
      for (int64_t j = 0; j < g.n; j++) v.col_mul(yb + j * g.inner, s, w);
    }
  }
}

Error run(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, Tensor& out, bool log) {
  Geometry g;
  if (!plan(self, dim, half_to_float, out, log, &g)) {
    return log ? portable::log_softmax_out(ctx, self, dim, half_to_float, out)
               : portable::softmax_out(ctx, self, dim, half_to_float, out);
  }
  ETB_RETURN_IF_ERROR(resize_to(ctx, out, self.sizes, self.dim));
  if (g.outer * g.n * g.inner == 0) return Error::Ok;
  const VecOps& v = vec_ops();
  const float* x = self.data_as<const float>();
  float* y = out.data_as<float>();
  // About 20 float operations per element (exp dominates).
  if (g.inner == 1) {
    const int64_t grain = g.n >= 4096 ? 1 : 4096 / g.n;
    for_range(ctx, g.outer, grain, 20.0 * double(g.n), [&](int64_t b, int64_t e) { rows(v, x, y, g.n, b, e, log); });
  } else {
    const int64_t blocks = (g.inner + kBlock - 1) / kBlock;
    const double cost = 20.0 * double(g.n) * double(g.inner < kBlock ? g.inner : kBlock);
    for_range(ctx, g.outer * blocks, 1, cost, [&](int64_t b, int64_t e) { columns(v, x, y, g, b, e, log); });
  }
  return Error::Ok;
}

Error prepare(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, Tensor& out, bool log) {
  Geometry g;
  if (!plan(self, dim, half_to_float, out, log, &g)) {
    return ctx.fail(Error::NotSupported, "handles dense float32 self and out only");
  }
  // The portable checks (dim range, dtypes) still apply.
  return log ? portable::log_softmax_out_prepare(ctx, self, dim, half_to_float, out)
             : portable::softmax_out_prepare(ctx, self, dim, half_to_float, out);
}

}  // namespace

Error opt_softmax_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, Tensor& out) {
  return prepare(ctx, self, dim, half_to_float, out, false);
}
Error opt_softmax_out(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, Tensor& out) {
  return run(ctx, self, dim, half_to_float, out, false);
}
Error opt_log_softmax_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float,
                                  Tensor& out) {
  return prepare(ctx, self, dim, half_to_float, out, true);
}
Error opt_log_softmax_out(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, Tensor& out) {
  return run(ctx, self, dim, half_to_float, out, true);
}

}  // namespace optimized
}  // namespace etb
