// aten::full.out, full_like.out and scalar_tensor.out: out (resized to
// `size`, self's sizes, or 0-d) filled with the value converted to out's
// dtype with c10's overflow check (integers truncate floats; nonzero is
// true). memory_format is the out tensor's own dim order here.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/elementwise_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_fill(KernelContext& ctx, const Scalar& value, const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, out, "out"));
  if (!scalar_fits(out.dtype, value)) {
    return ctx.fail(Error::InvalidArgument, "fill value cannot be converted to %s without overflow",
                    scalar_type_name(out.dtype));
  }
  return Error::Ok;
}

Error check_memory_format(KernelContext& ctx, const Optional<int64_t>& memory_format) {
  // torch.MemoryFormat: 0 contiguous, 1 preserve, 2 channels_last, 3 channels_last_3d.
  if (memory_format.has_value && (memory_format.value < 0 || memory_format.value > 3)) {
    return ctx.fail(Error::InvalidArgument, "memory_format %lld is not a MemoryFormat", (long long)memory_format.value);
  }
  return Error::Ok;
}

}  // namespace

Error full_out_prepare(KernelContext& ctx, Span<const int64_t> size, const Scalar& fill_value, Tensor& out) {
  if (int32_t(size.size()) != out.dim) {
    return ctx.fail(Error::InvalidArgument, "size has %zu entries, out has rank %d", size.size(), out.dim);
  }
  for (size_t i = 0; i < size.size(); i++) {
    if (size[i] < 0 || size[i] > INT32_MAX) return ctx.fail(Error::InvalidArgument, "size[%zu] = %lld", i, (long long)size[i]);
  }
  return check_fill(ctx, fill_value, out);
}

Error full_out(KernelContext& ctx, Span<const int64_t> size, const Scalar& fill_value, Tensor& out) {
  int32_t sizes[kMaxTensorRank];
  for (size_t i = 0; i < size.size(); i++) sizes[i] = int32_t(size[i]);
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, int32_t(size.size())));
  fill_scalar(out, fill_value);
  return Error::Ok;
}

Error full_like_out_prepare(KernelContext& ctx, const Tensor& self, const Scalar& fill_value,
                            const Optional<int64_t>& memory_format, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_memory_format(ctx, memory_format));
  return check_fill(ctx, fill_value, out);
}

Error full_like_out(KernelContext& ctx, const Tensor& self, const Scalar& fill_value,
                    const Optional<int64_t>& memory_format, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize_like(ctx, self, out));
  fill_scalar(out, fill_value);
  return Error::Ok;
}

Error scalar_tensor_out_prepare(KernelContext& ctx, const Scalar& s, Tensor& out) {
  if (out.dim != 0) return ctx.fail(Error::InvalidArgument, "out must be 0-d, has rank %d", out.dim);
  return check_fill(ctx, s, out);
}

Error scalar_tensor_out(KernelContext& ctx, const Scalar& s, Tensor& out) {
  fill_scalar(out, s);
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
