// aten::index_select.out: the slabs of self at positions `index` (rank <= 1,
// int64 or int32, each in [0, size)) along `dim`.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/index_util.h"

namespace etb {
namespace portable {
namespace {

Error check_args(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index, const Tensor& out,
                 int32_t* d) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (index.dtype != ScalarType::Long && index.dtype != ScalarType::Int) {
    return ctx.fail(Error::InvalidArgument, "index is %s; it must be int64 or int32", scalar_type_name(index.dtype));
  }
  if (index.dim > 1) return ctx.fail(Error::InvalidArgument, "index must have rank <= 1, got %d", index.dim);
  if (self.dim != out.dim) return ctx.fail(Error::InvalidArgument, "self has rank %d but out has rank %d", self.dim, out.dim);
  return wrap_dim(ctx, dim, self.dim, d);
}

}  // namespace

Error index_select_out_prepare(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index, Tensor& out) {
  int32_t d;
  return check_args(ctx, self, dim, index, out, &d);
}

Error index_select_out(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index, Tensor& out) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_args(ctx, self, dim, index, out, &d));
  int64_t n = index.numel();
  int32_t size = self.dim == 0 ? 1 : self.sizes[d];
  if (self.dim == 0 && n != 1) return ctx.fail(Error::InvalidArgument, "index_select on a 0-d tensor needs one index");
  View slab = identity_view(self);
  int64_t stride = 0;
  if (self.dim > 0) {
    slab.sizes[d] = int32_t(n);
    ETB_RETURN_IF_ERROR(resize_out(ctx, out, slab.sizes, slab.dim));
    slab.sizes[d] = 1;
    stride = self.strides[d];
  }
  if (out.numel() == 0) return Error::Ok;
  const int64_t esize = int64_t(element_size(out.dtype));
  const uint8_t* src = static_cast<const uint8_t*>(self.data);
  uint8_t* dst = static_cast<uint8_t*>(out.data);
  int64_t out_stride = self.dim == 0 ? 0 : out.strides[d];
  for (int64_t i = 0; i < n; i++) {
    int64_t at = load_index(index.data, index.dtype, index.dim == 0 ? 0 : i * index.strides[0]);
    if (at < 0 || at >= size) return index_out_of_range(ctx, at, d, size);
    strided_copy(size_t(esize), slab.dim, slab.sizes, src + at * stride * esize, self.strides,
                 dst + i * out_stride * esize, out.strides);
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
