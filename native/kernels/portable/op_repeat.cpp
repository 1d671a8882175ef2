// aten::repeat.out: self tiled repeats[i] times along each dim (self is
// first padded with leading size-1 dims to len(repeats)). Each out dim is
// split into (tile, element) so one strided copy writes every tile.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error repeat_sizes(KernelContext& ctx, const Tensor& self, Span<const int64_t> repeats, int32_t* sizes) {
  int32_t rank = int32_t(repeats.size());
  if (rank < self.dim) {
    return ctx.fail(Error::InvalidArgument, "repeats has %d entries, fewer than self's rank %d", rank, self.dim);
  }
  if (rank > kMaxTensorRank / 2) return ctx.fail(Error::NotSupported, "repeat supports at most %d dims", kMaxTensorRank / 2);
  int32_t lead = rank - self.dim;
  for (int32_t i = 0; i < rank; i++) {
    int64_t s = i < lead ? 1 : self.sizes[i - lead];
    if (repeats[size_t(i)] < 0) return ctx.fail(Error::InvalidArgument, "repeats[%d] is negative", i);
    if (repeats[size_t(i)] > INT32_MAX || s * repeats[size_t(i)] > INT32_MAX) {
      return ctx.fail(Error::InvalidArgument, "repeated size of dim %d overflows", i);
    }
    sizes[i] = int32_t(s * repeats[size_t(i)]);
  }
  return Error::Ok;
}

}  // namespace

Error repeat_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> repeats, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (int32_t(repeats.size()) != out.dim) {
    return ctx.fail(Error::InvalidArgument, "repeats has %zu entries but out has rank %d", repeats.size(), out.dim);
  }
  return Error::Ok;
}

Error repeat_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> repeats, Tensor& out) {
  int32_t sizes[kMaxTensorRank];
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  ETB_RETURN_IF_ERROR(repeat_sizes(ctx, self, repeats, sizes));
  int32_t rank = int32_t(repeats.size());
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, rank));
  if (out.numel() == 0) return Error::Ok;
  int32_t split[kMaxTensorRank];
  int64_t src[kMaxTensorRank], dst[kMaxTensorRank];
  int32_t lead = rank - self.dim;
  for (int32_t i = 0; i < rank; i++) {
    int32_t s = i < lead ? 1 : self.sizes[i - lead];
    split[2 * i] = int32_t(repeats[size_t(i)]);
    src[2 * i] = 0;
    dst[2 * i] = out.strides[i] * s;
    split[2 * i + 1] = s;
    src[2 * i + 1] = i < lead ? 0 : self.strides[i - lead];
    dst[2 * i + 1] = out.strides[i];
  }
  strided_copy(element_size(out.dtype), 2 * rank, split, self.data, src, out.data, dst);
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
