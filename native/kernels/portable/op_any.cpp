// aten::any.all_out, any.out (one dim) and any.dims_out (a dim list; None or
// empty reduces every dim): true where any reduced element is nonzero (NaN
// counts). out is bool or uint8, as ATen demands; keepdim keeps size-1 dims.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

// Bit d set: dim d is reduced.
Error dim_mask(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dims, uint32_t* mask) {
  *mask = 0;
  if (!dims.has_value || dims.value.size() == 0) {
    *mask = self.dim == 0 ? 0 : (self.dim >= 32 ? ~0u : (1u << self.dim) - 1);
    return Error::Ok;
  }
  for (size_t i = 0; i < dims.value.size(); i++) {
    int32_t d;
    ETB_RETURN_IF_ERROR(wrap_dim(ctx, dims.value[i], self.dim, &d));
    if (self.dim == 0) continue;
    if (*mask & (1u << d)) return ctx.fail(Error::InvalidArgument, "dim %d appears twice", d);
    *mask |= 1u << d;
  }
  return Error::Ok;
}

Error check(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dims, bool keepdim,
            const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  if (out.dtype != ScalarType::Bool && out.dtype != ScalarType::Byte) {
    return ctx.fail(Error::NotSupported, "unsupported out dtype %s (bool or uint8)", scalar_type_name(out.dtype));
  }
  uint32_t mask;
  ETB_RETURN_IF_ERROR(dim_mask(ctx, self, dims, &mask));
  int32_t rank = 0;
  for (int32_t d = 0; d < self.dim; d++) rank += (keepdim || !(mask & (1u << d))) ? 1 : 0;
  if (rank != out.dim) return ctx.fail(Error::InvalidArgument, "out has rank %d, the result has rank %d", out.dim, rank);
  return Error::Ok;
}

Error reduce(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dims, bool keepdim,
             Tensor& out) {
  uint32_t mask;
  ETB_RETURN_IF_ERROR(dim_mask(ctx, self, dims, &mask));
  int32_t sizes[kMaxTensorRank];
  int32_t rank = 0;
  for (int32_t d = 0; d < self.dim; d++) {
    bool reduced = mask & (1u << d);
    if (!reduced) sizes[rank++] = self.sizes[d];
    else if (keepdim) sizes[rank++] = 1;
  }
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, rank));
  // Element stride in out of each self dim (0 for reduced dims).
  int64_t out_stride[kMaxTensorRank];
  for (int32_t d = 0, k = 0; d < self.dim; d++) {
    bool reduced = mask & (1u << d);
    out_stride[d] = reduced ? 0 : out.strides[k];
    if (!reduced || keepdim) k++;
  }
  uint8_t* po = static_cast<uint8_t*>(out.data);
  for (int64_t i = 0, n = out.numel(); i < n; i++) po[i] = 0;
  int64_t index[kMaxTensorRank] = {};
  const int64_t total = self.numel();
  int64_t in_off = 0, out_off = 0;
  const bool floating = is_floating(self.dtype);
  for (int64_t i = 0; i < total; i++) {
    bool nonzero = floating ? load_as<double>(self.data, self.dtype, in_off) != 0
                            : load_as<int64_t>(self.data, self.dtype, in_off) != 0;
    if (nonzero) po[out_off] = 1;
    for (int32_t d = self.dim - 1; d >= 0; d--) {
      index[d]++;
      in_off += self.strides[d];
      out_off += out_stride[d];
      if (index[d] < self.sizes[d]) break;
      in_off -= self.strides[d] * self.sizes[d];
      out_off -= out_stride[d] * self.sizes[d];
      index[d] = 0;
    }
  }
  return Error::Ok;
}

Optional<Span<const int64_t>> one_dim(const int64_t* d) {
  Optional<Span<const int64_t>> o;
  o.has_value = true;
  o.value = Span<const int64_t>(d, 1);
  return o;
}

}  // namespace

Error any_all_out_prepare(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return check(ctx, self, Optional<Span<const int64_t>>(), false, out);
}

Error any_all_out(KernelContext& ctx, const Tensor& self, Tensor& out) {
  return reduce(ctx, self, Optional<Span<const int64_t>>(), false, out);
}

Error any_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, bool keepdim, Tensor& out) {
  return check(ctx, self, one_dim(&dim), keepdim, out);
}

Error any_out(KernelContext& ctx, const Tensor& self, int64_t dim, bool keepdim, Tensor& out) {
  return reduce(ctx, self, one_dim(&dim), keepdim, out);
}

Error any_dims_out_prepare(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim,
                           bool keepdim, Tensor& out) {
  return check(ctx, self, dim, keepdim, out);
}

Error any_dims_out(KernelContext& ctx, const Tensor& self, const Optional<Span<const int64_t>>& dim, bool keepdim,
                   Tensor& out) {
  return reduce(ctx, self, dim, keepdim, out);
}

}  // namespace portable
}  // namespace etb
