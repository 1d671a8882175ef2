// aten::view_copy.out: self's elements in logical order, reshaped to `size`
// (one entry may be -1 and is inferred).
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error view_sizes(KernelContext& ctx, const Tensor& self, Span<const int64_t> size, int32_t* sizes) {
  if (size.size() > size_t(kMaxTensorRank)) return ctx.fail(Error::InvalidArgument, "size has %zu entries", size.size());
  int64_t known = 1;
  int32_t infer = -1;
  for (size_t i = 0; i < size.size(); i++) {
    if (size[i] == -1 && infer < 0) {
      infer = int32_t(i);
      continue;
    }
    if (size[i] < 0 || size[i] > INT32_MAX) {
      return ctx.fail(Error::InvalidArgument, "invalid size %lld at position %zu", static_cast<long long>(size[i]), i);
    }
    sizes[i] = int32_t(size[i]);
    if (sizes[i] != 0 && known > (int64_t(1) << 62) / sizes[i]) return ctx.fail(Error::InvalidArgument, "size overflows");
    known *= sizes[i];
  }
  int64_t numel = self.numel();
  if (infer >= 0) {
    if (known == 0 || numel % known != 0) {
      return ctx.fail(Error::InvalidArgument, "shape with -1 is invalid for input of size %lld",
                      static_cast<long long>(numel));
    }
    sizes[infer] = int32_t(numel / known);
    known = numel;
  }
  if (known != numel) {
    return ctx.fail(Error::InvalidArgument, "shape of %lld elements is invalid for input of size %lld",
                    static_cast<long long>(known), static_cast<long long>(numel));
  }
  return Error::Ok;
}

}  // namespace

Error view_copy_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> size, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  if (int32_t(size.size()) != out.dim) {
    return ctx.fail(Error::InvalidArgument, "size has %zu entries but out has rank %d", size.size(), out.dim);
  }
  return Error::Ok;
}

Error view_copy_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> size, Tensor& out) {
  int32_t sizes[kMaxTensorRank];
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  ETB_RETURN_IF_ERROR(view_sizes(ctx, self, size, sizes));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, int32_t(size.size())));
  copy_reshaped(self, out);
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
