// aten::stack.out: equally shaped tensors joined along a new dim `dim`
// (cast to out's dtype like cat).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error stack_shape(KernelContext& ctx, const ValueList& tensors, int64_t dim, const Tensor& out, int32_t* sizes,
                  int32_t* rank, int32_t* at) {
  if (tensors.size == 0) return ctx.fail(Error::InvalidArgument, "expects a non-empty list of tensors");
  for (uint32_t i = 0; i < tensors.size; i++) {
    if (tensors.items[i] == nullptr || !tensors.items[i]->is_tensor()) {
      return ctx.fail(Error::InvalidProgram, "tensors[%u] is not a tensor", i);
    }
  }
  const Tensor& ref = tensors.items[0]->tensor();
  if (ref.dim >= kMaxTensorRank) return ctx.fail(Error::InvalidArgument, "rank %d is too large to stack", ref.dim);
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, ref.dim + 1, at));
  for (uint32_t i = 0; i < tensors.size; i++) {
    const Tensor& t = tensors.items[i]->tensor();
    if (!is_elementwise_dtype(t.dtype) || !can_cast(t.dtype, out.dtype)) {
      return ctx.fail(Error::InvalidArgument, "tensors[%u] is %s, which cannot be cast to out's %s", i,
                      scalar_type_name(t.dtype), scalar_type_name(out.dtype));
    }
    bool same = t.dim == ref.dim;
    for (int32_t d = 0; same && d < t.dim; d++) same = t.sizes[d] == ref.sizes[d];
    if (!same) return ctx.fail(Error::InvalidArgument, "stack expects each tensor to be equal size; tensors[%u] differs", i);
  }
  *rank = ref.dim + 1;
  for (int32_t d = 0, j = 0; d < *rank; d++) sizes[d] = d == *at ? int32_t(tensors.size) : ref.sizes[j++];
  return Error::Ok;
}

}  // namespace

Error stack_out_prepare(KernelContext& ctx, const ValueList& tensors, int64_t dim, Tensor& out) {
  int32_t sizes[kMaxTensorRank], rank, at;
  ETB_RETURN_IF_ERROR(stack_shape(ctx, tensors, dim, out, sizes, &rank, &at));
  if (rank != out.dim) return ctx.fail(Error::InvalidArgument, "stacked rank %d but out has rank %d", rank, out.dim);
  return Error::Ok;
}

Error stack_out(KernelContext& ctx, const ValueList& tensors, int64_t dim, Tensor& out) {
  int32_t sizes[kMaxTensorRank], rank, at;
  ETB_RETURN_IF_ERROR(stack_shape(ctx, tensors, dim, out, sizes, &rank, &at));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, rank));
  if (out.numel() == 0) return Error::Ok;
  size_t esize = element_size(out.dtype);
  int64_t dst_strides[kMaxTensorRank];
  for (int32_t d = 0, j = 0; d < rank; d++) {
    if (d != at) dst_strides[j++] = out.strides[d];
  }
  for (uint32_t i = 0; i < tensors.size; i++) {
    const Tensor& t = tensors.items[i]->tensor();
    if (t.data == nullptr) return ctx.fail(Error::InvalidState, "tensors[%u] has no memory", i);
    uint8_t* dst = static_cast<uint8_t*>(out.data) + int64_t(i) * out.strides[at] * int64_t(esize);
    if (t.dtype == out.dtype) {
      strided_copy(esize, t.dim, t.sizes, t.data, t.strides, dst, dst_strides);
    } else {
      convert_copy(t.dtype, out.dtype, t.dim, t.sizes, t.data, t.strides, dst, dst_strides);
    }
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
