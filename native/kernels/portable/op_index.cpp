// aten::index.Tensor_out: advanced indexing, out = self[indices] (None
// entries keep a dim whole; see util/index_util.h for the result layout).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/index_util.h"

namespace etb {
namespace portable {

Error index_tensor_out_prepare(KernelContext& ctx, const Tensor& self, const ValueList& indices, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  return check_index_list(ctx, self, indices);
}

Error index_tensor_out(KernelContext& ctx, const Tensor& self, const ValueList& indices, Tensor& out) {
  IndexPlan plan;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  ETB_RETURN_IF_ERROR(make_index_plan(ctx, self, indices, &plan));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, plan.sizes, plan.dim));
  if (out.numel() == 0) return Error::Ok;
  const int32_t outer = index_outer_dims(plan);
  const int64_t esize = int64_t(element_size(out.dtype));
  const uint8_t* src = static_cast<const uint8_t*>(self.data);
  uint8_t* dst = static_cast<uint8_t*>(out.data);
  return for_each_index(ctx, plan, [&](int64_t off, const int32_t* coords) {
    int64_t o = 0;
    for (int32_t d = 0; d < outer; d++) o += coords[d] * out.strides[d];
    strided_copy(size_t(esize), plan.dim - outer, plan.sizes + outer, src + off * esize, plan.strides + outer,
                 dst + o * esize, out.strides + outer);
  });
}

}  // namespace portable
}  // namespace etb
