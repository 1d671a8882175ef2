// aten::squeeze_copy.out / .dim_out / .dims_out: self without its size-1
// dims (all of them, or those named that have size 1).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

// Drops the dims whose bit is set in `drop` (only size-1 dims get one).
View squeeze_view(const Tensor& self, uint32_t drop) {
  View v;
  for (int32_t i = 0; i < self.dim; i++) {
    if (drop & (1u << i)) continue;
    v.sizes[v.dim] = self.sizes[i];
    v.strides[v.dim] = self.strides[i];
    v.dim++;
  }
  return v;
}

Error dims_mask(KernelContext& ctx, const Tensor& self, Span<const int64_t> dims, uint32_t* drop) {
  uint32_t seen = 0;
  *drop = 0;
  for (size_t i = 0; i < dims.size(); i++) {
    int32_t d;
    ETB_RETURN_IF_ERROR(wrap_dim(ctx, dims[i], self.dim, &d));
    if (seen & (1u << d)) return ctx.fail(Error::InvalidArgument, "dim %d appears more than once in dims", d);
    seen |= 1u << d;
    if (self.dim > 0 && self.sizes[d] == 1) *drop |= 1u << d;
  }
  return Error::Ok;
}

uint32_t all_ones(const Tensor& self) {
  uint32_t drop = 0;
  for (int32_t i = 0; i < self.dim; i++) {
    if (self.sizes[i] == 1) drop |= 1u << i;
  }
  return drop;
}

}  // namespace

Error squeeze_copy_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return check_same_dtype(ctx, self, out, "self");
}

Error squeeze_copy_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return write_view(ctx, self, squeeze_view(self, all_ones(self)), out);
}

Error squeeze_copy_dim_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, Tensor& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return wrap_dim(ctx, dim, self.dim, &d);
}

Error squeeze_copy_dim_out(KernelContext& ctx, const Tensor& self, int64_t dim, Tensor& out) {
  uint32_t drop;
  int64_t dims[1] = {dim};
  ETB_RETURN_IF_ERROR(dims_mask(ctx, self, Span<const int64_t>(dims, 1), &drop));
  return write_view(ctx, self, squeeze_view(self, drop), out);
}

Error squeeze_copy_dims_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> dim, Tensor& out) {
  uint32_t drop;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return dims_mask(ctx, self, dim, &drop);
}

Error squeeze_copy_dims_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> dim, Tensor& out) {
  uint32_t drop;
  ETB_RETURN_IF_ERROR(dims_mask(ctx, self, dim, &drop));
  return write_view(ctx, self, squeeze_view(self, drop), out);
}

}  // namespace portable
}  // namespace etb
