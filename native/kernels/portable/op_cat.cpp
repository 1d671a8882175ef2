// aten::cat.out: tensors joined along `dim`. As in ATen, 1-d tensors of
// size 0 are skipped (the legacy "empty" tensor); all others must agree on
// every size but `dim`; inputs of another dtype are cast to out's (when
// ATen's can_cast allows it).
#include <string.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

bool skipped(const Tensor& t) { return t.dim == 1 && t.sizes[0] == 0; }

Error cat_shape(KernelContext& ctx, const ValueList& tensors, int64_t dim, const Tensor& out, int32_t* sizes,
                int32_t* rank, int32_t* cat_dim) {
  if (tensors.size == 0) return ctx.fail(Error::InvalidArgument, "expects a non-empty list of tensors");
  const Tensor* ref = nullptr;
  for (uint32_t i = 0; i < tensors.size; i++) {
    if (tensors.items[i] == nullptr || !tensors.items[i]->is_tensor()) {
      return ctx.fail(Error::InvalidProgram, "tensors[%u] is not a tensor", i);
    }
    const Tensor& t = tensors.items[i]->tensor();
    if (!is_elementwise_dtype(t.dtype) || !can_cast(t.dtype, out.dtype)) {
      return ctx.fail(Error::InvalidArgument, "tensors[%u] is %s, which cannot be cast to out's %s", i,
                      scalar_type_name(t.dtype), scalar_type_name(out.dtype));
    }
    if (ref == nullptr && !skipped(t)) ref = &t;
  }
  if (ref == nullptr) {  // every input is a legacy empty tensor
    *rank = 1;
    sizes[0] = 0;
    *cat_dim = 0;
    return Error::Ok;
  }
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, ref->dim, cat_dim));
  if (ref->dim == 0) return ctx.fail(Error::InvalidArgument, "zero-dimensional tensors cannot be concatenated");
  *rank = ref->dim;
  int64_t total = 0;
  for (uint32_t i = 0; i < tensors.size; i++) {
    const Tensor& t = tensors.items[i]->tensor();
    if (skipped(t)) continue;
    if (t.dim != ref->dim) {
      return ctx.fail(Error::InvalidArgument, "tensors[%u] has rank %d, expected %d", i, t.dim, ref->dim);
    }
    for (int32_t d = 0; d < t.dim; d++) {
      if (d != *cat_dim && t.sizes[d] != ref->sizes[d]) {
        return ctx.fail(Error::InvalidArgument, "sizes must match except in dim %d: tensors[%u] has %d at dim %d, expected %d",
                        *cat_dim, i, t.sizes[d], d, ref->sizes[d]);
      }
    }
    total += t.sizes[*cat_dim];
  }
  if (total > INT32_MAX) return ctx.fail(Error::InvalidArgument, "concatenated size overflows");
  for (int32_t d = 0; d < ref->dim; d++) sizes[d] = ref->sizes[d];
  sizes[*cat_dim] = int32_t(total);
  return Error::Ok;
}

}  // namespace

Error cat_out_prepare(KernelContext& ctx, const ValueList& tensors, int64_t dim, Tensor& out) {
  int32_t sizes[kMaxTensorRank], rank, d;
  ETB_RETURN_IF_ERROR(cat_shape(ctx, tensors, dim, out, sizes, &rank, &d));
  if (rank != out.dim) return ctx.fail(Error::InvalidArgument, "inputs have rank %d but out has rank %d", rank, out.dim);
  return Error::Ok;
}

Error cat_out(KernelContext& ctx, const ValueList& tensors, int64_t dim, Tensor& out) {
  int32_t sizes[kMaxTensorRank], rank, d;
  ETB_RETURN_IF_ERROR(cat_shape(ctx, tensors, dim, out, sizes, &rank, &d));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, rank));
  if (out.numel() == 0) return Error::Ok;
  size_t esize = element_size(out.dtype);
  int64_t at = 0;
  for (uint32_t i = 0; i < tensors.size; i++) {
    const Tensor& t = tensors.items[i]->tensor();
    if (skipped(t) || t.numel() == 0) continue;
    if (t.data == nullptr) return ctx.fail(Error::InvalidState, "tensors[%u] has no memory", i);
    uint8_t* dst = static_cast<uint8_t*>(out.data) + at * out.strides[d] * int64_t(esize);
    if (t.dtype == out.dtype) {
      strided_copy(esize, t.dim, t.sizes, t.data, t.strides, dst, out.strides);
    } else {
      convert_copy(t.dtype, out.dtype, t.dim, t.sizes, t.data, t.strides, dst, out.strides);
    }
    at += t.sizes[d];
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
