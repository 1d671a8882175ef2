// aten::roll.out: self rotated by shifts[i] along dims[i]; with no dims,
// the flattened (logical order) tensor is rotated by shifts[0].
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_roll(KernelContext& ctx, const Tensor& self, Span<const int64_t> shifts, Span<const int64_t> dims,
                 const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (self.dim != out.dim) return ctx.fail(Error::InvalidArgument, "self has rank %d but out has rank %d", self.dim, out.dim);
  if (dims.size() == 0 && shifts.size() != 1) {
    return ctx.fail(Error::InvalidArgument, "without dims, shifts must have one entry, got %zu", shifts.size());
  }
  if (dims.size() != 0 && dims.size() != shifts.size()) {
    return ctx.fail(Error::InvalidArgument, "shifts has %zu entries but dims has %zu", shifts.size(), dims.size());
  }
  for (size_t i = 0; i < dims.size(); i++) {
    int32_t d;
    ETB_RETURN_IF_ERROR(wrap_dim(ctx, dims[i], self.dim, &d));
  }
  return Error::Ok;
}

inline int64_t wrap_shift(int64_t shift, int64_t size) {
  int64_t s = shift % size;
  return s < 0 ? s + size : s;
}

}  // namespace

Error roll_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> shifts, Span<const int64_t> dims,
                       Tensor& out) {
  return check_roll(ctx, self, shifts, dims, out);
}

Error roll_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> shifts, Span<const int64_t> dims,
               Tensor& out) {
  ETB_RETURN_IF_ERROR(check_roll(ctx, self, shifts, dims, out));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, self.sizes, self.dim));
  const int64_t n = self.numel();
  if (n == 0) return Error::Ok;
  const size_t esize = element_size(out.dtype);
  const uint8_t* src = static_cast<const uint8_t*>(self.data);
  uint8_t* dst = static_cast<uint8_t*>(out.data);
  int64_t shift[kMaxTensorRank] = {};
  int32_t sc[kMaxTensorRank] = {}, dc[kMaxTensorRank] = {};
  if (dims.size() == 0) {
    // Flattened: walk self from logical position 0 and out from position s.
    int64_t s = wrap_shift(shifts[0], n), rest = s;
    for (int32_t k = self.dim - 1; k >= 0; k--) {
      dc[k] = int32_t(rest % self.sizes[k]);
      rest /= self.sizes[k];
    }
    for (int64_t i = 0; i < n; i++) {
      int64_t so = 0, o = 0;
      for (int32_t k = 0; k < self.dim; k++) {
        so += sc[k] * self.strides[k];
        o += dc[k] * out.strides[k];
      }
      copy_element(esize, dst + o * int64_t(esize), src + so * int64_t(esize));
      for (int32_t k = self.dim - 1; k >= 0 && ++sc[k] == self.sizes[k]; k--) sc[k] = 0;
      for (int32_t k = self.dim - 1; k >= 0 && ++dc[k] == self.sizes[k]; k--) dc[k] = 0;
    }
    return Error::Ok;
  }
  for (size_t i = 0; i < dims.size(); i++) {
    int32_t d;
    ETB_RETURN_IF_ERROR(wrap_dim(ctx, dims[i], self.dim, &d));
    if (self.dim > 0) shift[d] = wrap_shift(shift[d] + wrap_shift(shifts[i], self.sizes[d]), self.sizes[d]);
  }
  for (int64_t i = 0; i < n; i++) {
    int64_t so = 0, o = 0;
    for (int32_t k = 0; k < self.dim; k++) {
      int64_t to = sc[k] + shift[k];
      if (to >= self.sizes[k]) to -= self.sizes[k];
      so += sc[k] * self.strides[k];
      o += to * out.strides[k];
    }
    copy_element(esize, dst + o * int64_t(esize), src + so * int64_t(esize));
    for (int32_t k = self.dim - 1; k >= 0 && ++sc[k] == self.sizes[k]; k--) sc[k] = 0;
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
