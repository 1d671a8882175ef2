// aten::tril.out and aten::triu.out: self with the elements above (tril)
// or below (triu) the `diagonal`-th diagonal of the last two dims zeroed.
#include <string.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_tri(KernelContext& ctx, const Tensor& self, const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (self.dim < 2) return ctx.fail(Error::InvalidArgument, "expects a tensor of rank >= 2, got %d", self.dim);
  if (self.dim != out.dim) return ctx.fail(Error::InvalidArgument, "self has rank %d but out has rank %d", self.dim, out.dim);
  return Error::Ok;
}

// Copies self, then zeroes, per matrix row i, the columns outside the kept
// band: lower keeps j <= i + diagonal, upper keeps j >= i + diagonal.
Error tri(KernelContext& ctx, const Tensor& self, int64_t diagonal, bool lower, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_tri(ctx, self, out));
  ETB_RETURN_IF_ERROR(write_view(ctx, self, identity_view(self), out));
  if (out.numel() == 0) return Error::Ok;
  const int32_t rows = out.sizes[out.dim - 2], cols = out.sizes[out.dim - 1];
  const int64_t rs = out.strides[out.dim - 2], cs = out.strides[out.dim - 1];
  const int64_t esize = int64_t(element_size(out.dtype));
  uint8_t* data = static_cast<uint8_t*>(out.data);
  // Beyond these bounds every diagonal acts alike; clamping keeps i + diagonal from overflowing.
  if (diagonal > cols) diagonal = cols;
  if (diagonal < -int64_t(rows) - 1) diagonal = -int64_t(rows) - 1;
  int32_t batch[kMaxTensorRank] = {};
  const int32_t nb = out.dim - 2;
  while (true) {
    int64_t base = 0;
    for (int32_t k = 0; k < nb; k++) base += batch[k] * out.strides[k];
    for (int64_t i = 0; i < rows; i++) {
      int64_t edge = i + diagonal;  // first zeroed column (lower) or first kept column (upper)
      int64_t from = lower ? (edge + 1 < 0 ? 0 : edge + 1) : 0;
      int64_t to = lower ? cols : (edge < 0 ? 0 : edge > cols ? cols : edge);
      for (int64_t j = from; j < to; j++) memset(data + (base + i * rs + j * cs) * esize, 0, size_t(esize));
    }
    int32_t k = nb - 1;
    for (; k >= 0 && ++batch[k] == out.sizes[k]; k--) batch[k] = 0;
    if (k < 0) return Error::Ok;
  }
}

}  // namespace

Error tril_out_prepare(KernelContext& ctx, const Tensor& self, int64_t diagonal, Tensor& out) {
  return check_tri(ctx, self, out);
}

Error tril_out(KernelContext& ctx, const Tensor& self, int64_t diagonal, Tensor& out) {
  return tri(ctx, self, diagonal, true, out);
}

Error triu_out_prepare(KernelContext& ctx, const Tensor& self, int64_t diagonal, Tensor& out) {
  return check_tri(ctx, self, out);
}

Error triu_out(KernelContext& ctx, const Tensor& self, int64_t diagonal, Tensor& out) {
  return tri(ctx, self, diagonal, false, out);
}

}  // namespace portable
}  // namespace etb
