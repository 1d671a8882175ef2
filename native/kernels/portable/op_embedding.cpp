// aten::embedding.out: out[..., :] = weight[indices[...], :] (padding_idx and
// the gradient flags only matter for training).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/index_util.h"

namespace etb {
namespace portable {
namespace {

Error check_args(KernelContext& ctx, const Tensor& weight, const Tensor& indices, const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, weight, out, "weight"));
  if (weight.dim != 2) return ctx.fail(Error::InvalidArgument, "weight must be 2-D, got rank %d", weight.dim);
  if (indices.dtype != ScalarType::Long && indices.dtype != ScalarType::Int) {
    return ctx.fail(Error::InvalidArgument, "indices are %s; they must be int64 or int32", scalar_type_name(indices.dtype));
  }
  if (out.dim != indices.dim + 1) {
    return ctx.fail(Error::InvalidArgument, "out has rank %d; indices of rank %d need rank %d", out.dim, indices.dim,
                    indices.dim + 1);
  }
  return Error::Ok;
}

}  // namespace

Error embedding_out_prepare(KernelContext& ctx, const Tensor& weight, const Tensor& indices, int64_t padding_idx,
                            bool scale_grad_by_freq, bool sparse, Tensor& out) {
  return check_args(ctx, weight, indices, out);
}

Error embedding_out(KernelContext& ctx, const Tensor& weight, const Tensor& indices, int64_t padding_idx,
                    bool scale_grad_by_freq, bool sparse, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_args(ctx, weight, indices, out));
  int32_t sizes[kMaxTensorRank];
  for (int32_t d = 0; d < indices.dim; d++) sizes[d] = indices.sizes[d];
  sizes[indices.dim] = weight.sizes[1];
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, out.dim));
  int64_t n = indices.numel();
  if (out.numel() == 0 && n == 0) return Error::Ok;
  const int64_t esize = int64_t(element_size(out.dtype));
  const uint8_t* src = static_cast<const uint8_t*>(weight.data);
  uint8_t* dst = static_cast<uint8_t*>(out.data);
  const int32_t rows = weight.sizes[0];
  const int32_t row_len[1] = {weight.sizes[1]};
  const int32_t last = indices.dim;
  int32_t coords[kMaxTensorRank] = {};
  for (int64_t i = 0; i < n; i++) {
    int64_t io = 0, oo = 0;
    for (int32_t d = 0; d < indices.dim; d++) {
      io += coords[d] * indices.strides[d];
      oo += coords[d] * out.strides[d];
    }
    int64_t row = load_index(indices.data, indices.dtype, io);
    if (row < 0 || row >= rows) return index_out_of_range(ctx, row, 0, rows);
    strided_copy(size_t(esize), 1, row_len, src + row * weight.strides[0] * esize, weight.strides + 1, dst + oo * esize,
                 out.strides + last);
    for (int32_t d = indices.dim - 1; d >= 0 && ++coords[d] == indices.sizes[d]; d--) coords[d] = 0;
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
