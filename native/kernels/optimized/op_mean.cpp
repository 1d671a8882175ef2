// aten::mean.out (optimized) when the reduced dims are the trailing ones
// (global average pooling: [N, C, H, W] over {2, 3}; a row mean over -1; or
// every dim): dense float32 self and out, each out element the double sum
// of one contiguous row over vector lanes, divided by the count. Any other
// set of dims, dtype or layout, and empty reductions, use the portable
// kernel.
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/pointwise.h"
#include "kernels/optimized/util/vec_ops.h"
#include "kernels/portable/util/reduce_util.h"

namespace etb {
namespace optimized {
namespace {

// True when `dim` names exactly the last k dims of self (None / [] = all).
bool trailing(const Tensor& self, const Optional<Span<const int64_t>>& dim) {
  if (!dim.has_value || dim.value.size() == 0) return true;
  const int32_t rank = self.dim == 0 ? 1 : self.dim;
  uint32_t seen = 0;
  for (size_t i = 0; i < dim.value.size(); i++) {
    int64_t d = dim.value[i];
    if (d < 0) d += rank;
    if (d < 0 || d >= rank || (seen & (1u << d))) return false;
    seen |= 1u << d;
  }
  const int32_t k = int32_t(dim.value.size());
  for (int32_t d = rank - k; d < rank; d++)
    if (!(seen & (1u << d))) return false;
  return true;
}

bool handles(const Tensor& self, const Optional<Span<const int64_t>>& dim, const Optional<ScalarType>& dtype,
             const Tensor& out) {
  return dense_f32(self) && dense_f32(out) && (!dtype.has_value || dtype.value == ScalarType::Float) &&
         trailing(self, dim);
}

}  // namespace

Error opt_mean_out_prepare(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim,
                           bool keepdim, const Optional<ScalarType>& dtype, Tensor& out) {
  if (!handles(self, dim, dtype, out)) {
    return ctx.fail(Error::NotSupported, "handles dense float32 means over trailing dims only");
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
  const int64_t rows = self.numel() / p.count, n = p.count;
  const VecOps& v = vec_ops();
  const float* x = self.data_as<const float>();
  float* y = out.data_as<float>();
  for_range(ctx, rows, 1 + 16384 / n, double(n), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) y[r] = float(v.row_sum_d(x + r * n, n) / double(n));
  });
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb
