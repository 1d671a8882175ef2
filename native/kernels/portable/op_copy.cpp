// aten::copy_: self = src broadcast to self's shape and converted to self's
// dtype (the exporter writes it to store an updated mutable buffer, e.g. a
// KV cache, back into the buffer). self keeps its shape and dim order.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

// Strides that read src broadcast to self's shape.
Error broadcast_strides(KernelContext& ctx, const Tensor& self, const Tensor& src, int64_t* strides) {
  if (src.dim > self.dim) return ctx.fail(Error::InvalidArgument, "src of rank %d cannot be copied into rank %d", src.dim, self.dim);
  for (int32_t d = 0; d < self.dim; d++) {
    int32_t s = d - (self.dim - src.dim);
    if (s < 0 || src.sizes[s] == 1) {
      strides[d] = 0;
    } else if (src.sizes[s] == self.sizes[d]) {
      strides[d] = src.strides[s];
    } else {
      return ctx.fail(Error::InvalidArgument, "src size %d at dim %d does not broadcast to self's size %d", src.sizes[s],
                      s, self.sizes[d]);
    }
  }
  return Error::Ok;
}

}  // namespace

Error copy_inplace_prepare(KernelContext& ctx, Tensor& self, const Tensor& src, bool non_blocking) {
  int64_t strides[kMaxTensorRank];
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(src.dtype)) {
    return ctx.fail(Error::NotSupported, "copy_ from %s to %s is not supported", scalar_type_name(src.dtype),
                    scalar_type_name(self.dtype));
  }
  return broadcast_strides(ctx, self, src, strides);
}

Error copy_inplace(KernelContext& ctx, Tensor& self, const Tensor& src, bool non_blocking) {
  int64_t strides[kMaxTensorRank];
  ETB_RETURN_IF_ERROR(copy_inplace_prepare(ctx, self, src, non_blocking));
  ETB_RETURN_IF_ERROR(broadcast_strides(ctx, self, src, strides));
  if (self.numel() == 0) return Error::Ok;
  if (self.dtype == src.dtype) {
    strided_copy(element_size(self.dtype), self.dim, self.sizes, src.data, strides, self.data, self.strides);
    return Error::Ok;
  }
  const Tensor* inputs[1] = {&src};
  BroadcastIterator it(self, inputs, 1);
  const bool integral = is_integral(src.dtype, true) && is_integral(self.dtype, true);
  for (int64_t i = 0; i < it.size(); i++, it.next()) {
    if (integral) {
      store_as<int64_t>(self.data, self.dtype, it.out_offset(), load_as<int64_t>(src.data, src.dtype, it.offset(0)));
    } else {
      store_as<double>(self.data, self.dtype, it.out_offset(), load_as<double>(src.data, src.dtype, it.offset(0)));
    }
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
