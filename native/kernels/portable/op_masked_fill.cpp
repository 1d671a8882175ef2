// aten::masked_fill.Scalar_out: out = mask ? value : self, with self and the
// bool mask broadcast together.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {

Error masked_fill_scalar_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& mask, const Scalar& value,
                                     Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (mask.dtype != ScalarType::Bool) {
    return ctx.fail(Error::InvalidArgument, "mask is %s; it must be bool", scalar_type_name(mask.dtype));
  }
  if (!scalar_fits(out.dtype, value)) {
    return ctx.fail(Error::InvalidArgument, "value cannot be converted to %s without overflow", scalar_type_name(out.dtype));
  }
  return Error::Ok;
}

Error masked_fill_scalar_out(KernelContext& ctx, const Tensor& self, const Tensor& mask, const Scalar& value,
                             Tensor& out) {
  ETB_RETURN_IF_ERROR(masked_fill_scalar_out_prepare(ctx, self, mask, value, out));
  int32_t sizes[kMaxTensorRank], dim;
  ETB_RETURN_IF_ERROR(broadcast_shape(ctx, self, mask, sizes, &dim));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, dim));
  if (out.numel() == 0) return Error::Ok;
  alignas(8) uint8_t pattern[8];
  scalar_bytes(out.dtype, value, pattern);
  const size_t esize = element_size(out.dtype);
  const uint8_t* s = static_cast<const uint8_t*>(self.data);
  const uint8_t* m = static_cast<const uint8_t*>(mask.data);
  uint8_t* o = static_cast<uint8_t*>(out.data);
  const Tensor* inputs[2] = {&self, &mask};
  BroadcastIterator it(out, inputs, 2);
  for (int64_t i = 0; i < it.size(); i++, it.next()) {
    const uint8_t* from = m[it.offset(1)] != 0 ? pattern : s + it.offset(0) * int64_t(esize);
    copy_element(esize, o + it.out_offset() * int64_t(esize), from);
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
