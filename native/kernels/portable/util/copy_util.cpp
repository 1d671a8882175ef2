#include "kernels/portable/util/copy_util.h"

#include <string.h>

#include "kernels/portable/util/broadcast_util.h"
#include "kernels/portable/util/dtype_util.h"

namespace etb {
namespace portable {

Error check_dim_order_arg(KernelContext& ctx, const Tensor& self, bool non_blocking,
                          const Optional<Span<const int64_t>>& dim_order, const Tensor& out) {
  if (non_blocking) return ctx.fail(Error::NotSupported, "non_blocking=True is not supported");
  if (self.dim != out.dim) {
    return ctx.fail(Error::InvalidArgument, "self has rank %d but out has rank %d", self.dim, out.dim);
  }
  if (!is_elementwise_dtype(self.dtype) || !is_elementwise_dtype(out.dtype)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes %s -> %s", scalar_type_name(self.dtype),
                    scalar_type_name(out.dtype));
  }
  if (!dim_order.has_value) {
    if (!self.same_dim_order(out)) return ctx.fail(Error::InvalidArgument, "out must keep self's dim order");
    return Error::Ok;
  }
  Span<const int64_t> order = dim_order.value;
  if (int32_t(order.size()) != out.dim) {
    return ctx.fail(Error::InvalidArgument, "dim_order has %zu entries for a rank-%d tensor", order.size(), out.dim);
  }
  bool contiguous = true, channels_last = out.dim == 4;
  const int64_t kChannelsLast[4] = {0, 2, 3, 1};
  for (int32_t i = 0; i < out.dim; i++) {
    contiguous = contiguous && order[i] == i;
    channels_last = channels_last && order[i] == kChannelsLast[i];
    if (order[i] != out.dim_order[i]) {
      return ctx.fail(Error::InvalidArgument, "dim_order argument differs from out's dim order at position %d", i);
    }
  }
  if (!contiguous && !channels_last) {
    return ctx.fail(Error::NotSupported, "only contiguous and channels-last dim orders are supported");
  }
  return Error::Ok;
}

Error copy_elements(KernelContext& ctx, const Tensor& self, Tensor& out) {
  ETB_RETURN_IF_ERROR(resize(out, Span<const int32_t>(self.sizes, size_t(self.dim)), ctx.diag(), ctx.op_name()));
  if (out.numel() == 0) return Error::Ok;
  if (self.dtype == out.dtype && self.same_dim_order(out)) {
    memmove(out.data, self.data, out.nbytes());
    return Error::Ok;
  }
  const Tensor* inputs[1] = {&self};
  BroadcastIterator it(out, inputs, 1);
  size_t esize = element_size(out.dtype);
  bool integral = is_integral(self.dtype, true) && is_integral(out.dtype, true);
  for (int64_t i = 0; i < it.size(); i++, it.next()) {
    if (self.dtype == out.dtype) {
      memcpy(static_cast<uint8_t*>(out.data) + it.out_offset() * esize,
             static_cast<const uint8_t*>(self.data) + it.offset(0) * esize, esize);
    } else if (integral) {
      store_as<int64_t>(out.data, out.dtype, it.out_offset(), load_as<int64_t>(self.data, self.dtype, it.offset(0)));
    } else {
      store_as<double>(out.data, out.dtype, it.out_offset(), load_as<double>(self.data, self.dtype, it.offset(0)));
    }
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
