// aten::_to_copy.out and aten::clone.out: self's elements into out (resized
// to self's sizes) in out's dim order. _to_copy converts to out's dtype
// (integers wrap, floats truncate into integers); clone keeps the dtype.
// memory_format must be a MemoryFormat; the out tensor's dim order is the
// layout that is honoured.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/copy_util.h"
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {
namespace {

Error check_copy(KernelContext& ctx, const Tensor& self, const Optional<int64_t>& memory_format, const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, self, "self"));
  ETB_RETURN_IF_ERROR(check_elementwise(ctx, out, "out"));
  if (memory_format.has_value && (memory_format.value < 0 || memory_format.value > 3)) {
    return ctx.fail(Error::InvalidArgument, "memory_format %lld is not a MemoryFormat", (long long)memory_format.value);
  }
  if (self.dim != out.dim) return ctx.fail(Error::InvalidArgument, "self has rank %d, out has rank %d", self.dim, out.dim);
  return Error::Ok;
}

}  // namespace

Error to_copy_out_prepare(KernelContext& ctx, const Tensor& self, bool non_blocking,
                          const Optional<int64_t>& memory_format, Tensor& out) {
  if (non_blocking) return ctx.fail(Error::NotSupported, "non_blocking=True is not supported");
  return check_copy(ctx, self, memory_format, out);
}

Error to_copy_out(KernelContext& ctx, const Tensor& self, bool non_blocking, const Optional<int64_t>& memory_format,
                  Tensor& out) {
  return copy_elements(ctx, self, out);
}

Error clone_out_prepare(KernelContext& ctx, const Tensor& self, const Optional<int64_t>& memory_format, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_copy(ctx, self, memory_format, out));
  return check_out_is(ctx, self.dtype, self.dtype, out.dtype);
}

Error clone_out(KernelContext& ctx, const Tensor& self, const Optional<int64_t>& memory_format, Tensor& out) {
  return copy_elements(ctx, self, out);
}

}  // namespace portable
}  // namespace etb
