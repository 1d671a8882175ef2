// aten::mean.out (optimized) over a contiguous block of dims: dense float32
// self and out viewed as [outer, count, inner], the mean over count.
//   inner == 1 (the trailing dims: global average pooling [N, C, H, W] over
//   {2, 3}, a row mean over -1, or every dim): each out element is the double
//   sum of one contiguous row (VecOps::row_sum_d: four accumulators of
//   half-width double vectors), divided by the count.
//   inner > 1 (e.g. [N, C, H, W] over {1}, or {1, 2}): the rows of each outer
//   slice are added into double column sums (VecOps::col_sum_d), 512 columns
//   at a time, then divided by the count.
// Both accumulate in double, as the portable kernel does (which sums in
// order, so the two can differ in the last float bit). Any other set of dims
// (e.g. {0, 2}), other dtypes or layouts, and empty reductions use the
// portable kernel.
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/pointwise.h"
#include "kernels/optimized/util/vec_ops.h"
#include "kernels/portable/util/reduce_util.h"

namespace etb {
namespace optimized {
namespace {

// When `dim` names a contiguous block [*a, *b) of self's dims (None / [] =
// all), sets the block and returns true.
bool block(const Tensor& self, const Optional<Span<const int64_t>>& dim, int32_t* a, int32_t* b) {
  const int32_t rank = self.dim == 0 ? 1 : self.dim;
  if (!dim.has_value || dim.value.size() == 0) {
    *a = 0, *b = rank;
    return true;
  }
  uint32_t seen = 0;
  for (size_t i = 0; i < dim.value.size(); i++) {
    int64_t d = dim.value[i];
    if (d < 0) d += rank;
    if (d < 0 || d >= rank || (seen & (1u << d))) return false;
    seen |= 1u << d;
  }
  int32_t lo = 0;
  while (!(seen & (1u << lo))) lo++;
  const int32_t hi = lo + int32_t(dim.value.size());
  for (int32_t d = lo; d < hi; d++)
    if (!(seen & (1u << d))) return false;
  *a = lo, *b = hi;
  return true;
}

bool handles(const Tensor& self, const Optional<Span<const int64_t>>& dim, const Optional<ScalarType>& dtype,
             const Tensor& out) {
  int32_t a, b;
  return dense_f32(self) && dense_f32(out) && (!dtype.has_value || dtype.value == ScalarType::Float) &&
         block(self, dim, &a, &b);
}

}  // namespace

Error opt_mean_out_prepare(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim,
                           bool keepdim, const Optional<ScalarType>& dtype, Tensor& out) {
  if (!handles(self, dim, dtype, out)) {
    return ctx.fail(Error::NotSupported, "handles dense float32 means over a contiguous block of dims only");
  }
  return portable::mean_out_prepare(ctx, self, dim, keepdim, dtype, out);
}

Error opt_mean_out(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim, bool keepdim,
                   const Optional<ScalarType>& dtype, Tensor& out) {
  portable::ReducePlan p;
  if (!handles(self, dim, dtype, out) ||
      portable::plan_reduce(ctx, self, dim.has_value ? &dim.value : nullptr, keepdim, true, &p) != Error::Ok ||
      p.count == 0) {
    return portable::mean_out(ctx, self, dim, keepdim, dtype, out);
  }
  ETB_RETURN_IF_ERROR(resize_to(ctx, out, p.out_sizes, p.out_dim));
  int32_t a, b;
  block(self, dim, &a, &b);
  int64_t inner = 1;
  for (int32_t d = b; d < self.dim; d++) inner *= self.sizes[d];
  const int64_t n = p.count, outer = self.numel() / (n * inner);
  const VecOps& v = vec_ops();
  const float* x = self.data_as<const float>();
  float* y = out.data_as<float>();
  if (inner == 1) {
    for_range(ctx, outer, 1 + 16384 / n, double(n), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; r++) y[r] = float(v.row_sum_d(x + r * n, n) / double(n));
    });
    return Error::Ok;
  }
  constexpr int64_t kCols = 512;
  const int64_t chunks = (inner + kCols - 1) / kCols, width = inner < kCols ? inner : kCols;
  for_range(ctx, outer * chunks, 1 + 16384 / (n * width), double(n * width), [&](int64_t t0, int64_t t1) {
    double acc[kCols];
    for (int64_t t = t0; t < t1; t++) {
      const int64_t o = t / chunks, c0 = t % chunks * kCols, w = inner - c0 < kCols ? inner - c0 : kCols;
      const float* src = x + o * n * inner + c0;
      for (int64_t j = 0; j < w; j++) acc[j] = 0.0;
      for (int64_t r = 0; r < n; r++) v.col_sum_d(acc, src + r * inner, w);
      float* dst = y + o * inner + c0;
      for (int64_t j = 0; j < w; j++) dst[j] = float(acc[j] / double(n));
    }
  });
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb
