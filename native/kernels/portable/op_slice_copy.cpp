// aten::slice_copy.Tensor_out: self[start:end:step] along `dim`, with
// ATen's clamping (negative bounds count from the end; out-of-range bounds
// clamp; end before start gives an empty slice).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error slice_view(KernelContext& ctx, const Tensor& self, int64_t dim, const Optional<int64_t>& start,
                 const Optional<int64_t>& end, int64_t step, View* v) {
  if (self.dim == 0) return ctx.fail(Error::InvalidArgument, "cannot slice a 0-d tensor");
  if (step <= 0) return ctx.fail(Error::InvalidArgument, "slice step must be positive, got %lld", static_cast<long long>(step));
  int32_t d;
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, self.dim, &d));
  int64_t size = self.sizes[d];
  int64_t s = start.has_value ? start.value : 0;
  int64_t e = end.has_value ? end.value : size;
  if (s < 0) s += size;
  if (e < 0) e += size;
  s = s < 0 ? 0 : s > size ? size : s;
  e = e < s ? s : e > size ? size : e;
  // Written so a huge step cannot overflow: a slice of 2+ elements has step < size.
  int64_t len = e == s ? 0 : (e - s - 1) / step + 1;
  *v = identity_view(self);
  v->sizes[d] = int32_t(len);
  v->strides[d] = len > 1 ? self.strides[d] * step : self.strides[d];
  v->offset = s * self.strides[d];
  return Error::Ok;
}

}  // namespace

Error slice_copy_tensor_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, const Optional<int64_t>& start,
                                    const Optional<int64_t>& end, int64_t step, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return slice_view(ctx, self, dim, start, end, step, &v);
}

Error slice_copy_tensor_out(KernelContext& ctx, const Tensor& self, int64_t dim, const Optional<int64_t>& start,
                            const Optional<int64_t>& end, int64_t step, Tensor& out) {
  View v;
  ETB_RETURN_IF_ERROR(slice_view(ctx, self, dim, start, end, step, &v));
  return write_view(ctx, self, v, out);
}

}  // namespace portable
}  // namespace etb
