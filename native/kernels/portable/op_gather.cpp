// aten::gather.out: out[i..] = self[i.. with index[i..] in place of dim]
// (index is int64 of self's rank, no larger than self outside `dim`; index
// values in [0, size of dim)).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/index_util.h"

namespace etb {
namespace portable {

Error gather_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index, bool sparse_grad,
                         Tensor& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  ETB_RETURN_IF_ERROR(check_scatter_index(ctx, self, dim, index, nullptr, &d));
  if (out.dim != index.dim) return ctx.fail(Error::InvalidArgument, "out has rank %d but index has rank %d", out.dim, index.dim);
  return Error::Ok;
}

Error gather_out(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index, bool sparse_grad,
                 Tensor& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  ETB_RETURN_IF_ERROR(check_scatter_index(ctx, self, dim, index, nullptr, &d));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, index.sizes, index.dim));
  const size_t esize = element_size(out.dtype);
  const uint8_t* src = static_cast<const uint8_t*>(self.data);
  uint8_t* dst = static_cast<uint8_t*>(out.data);
  return for_each_scatter_index(ctx, self, d, index, [&](int64_t self_off, int64_t index_pos, const int32_t* coords) {
    int64_t o = 0;
    for (int32_t k = 0; k < out.dim; k++) o += coords[k] * out.strides[k];
    copy_element(esize, dst + o * int64_t(esize), src + self_off * int64_t(esize));
  });
}

}  // namespace portable
}  // namespace etb
