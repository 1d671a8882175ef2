// aten::topk.values: the k largest (or smallest) elements along dim and
// their int64 indices, in order (largest first, or smallest first). NaN
// counts as larger than every number, as ATen's comparator has it; equal
// values keep their index order. `sorted = false` still returns them sorted
// (ATen leaves that order unspecified).
#include <algorithm>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_topk(KernelContext& ctx, const Tensor& self, int64_t k, int64_t dim, const Tensor& values,
                 const Tensor& indices, int32_t* d) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, self, "self", true));
  const char* names[] = {"values"};
  const Tensor* ts[] = {&values};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, self.dtype, names, ts, 1));
  if (indices.dtype != ScalarType::Long) {
    return ctx.fail(Error::NotSupported, "indices must be int64, got %s", scalar_type_name(indices.dtype));
  }
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, self.dim, d));
  const int64_t n = self.dim == 0 ? 1 : self.sizes[*d];
  if (k < 0 || k > n) return ctx.fail(Error::InvalidArgument, "k = %lld is out of range [0, %lld]", static_cast<long long>(k), static_cast<long long>(n));
  return Error::Ok;
}

}  // namespace

Error topk_values_prepare(KernelContext& ctx, const Tensor& self, int64_t k, int64_t dim, bool largest, bool sorted,
                          Tensor& values, Tensor& indices) {
  int32_t d;
  return check_topk(ctx, self, k, dim, values, indices, &d);
}

Error topk_values(KernelContext& ctx, const Tensor& self, int64_t k, int64_t dim, bool largest, bool sorted,
                  Tensor& values, Tensor& indices) {
  int32_t d;
  ETB_RETURN_IF_ERROR(check_topk(ctx, self, k, dim, values, indices, &d));
  int32_t sizes[kMaxTensorRank];
  for (int32_t i = 0; i < self.dim; i++) sizes[i] = i == d ? int32_t(k) : self.sizes[i];
  ETB_RETURN_IF_ERROR(resize_out(ctx, values, sizes, self.dim));
  ETB_RETURN_IF_ERROR(resize_out(ctx, indices, sizes, self.dim));
  if (values.numel() == 0) return Error::Ok;
  const int64_t n = self.dim == 0 ? 1 : self.sizes[d];
  int64_t* order = static_cast<int64_t*>(ctx.allocate_temp(size_t(n) * sizeof(int64_t), 8));
  if (order == nullptr) return ctx.fail(Error::MemoryAllocationFailed, "no temp memory for %lld indices", static_cast<long long>(n));
  const int64_t si = self.dim == 0 ? 0 : self.strides[d];
  const int64_t sv = self.dim == 0 ? 0 : values.strides[d], sx = self.dim == 0 ? 0 : indices.strides[d];
  for (int32_t i = 0; i < self.dim; i++) sizes[i] = i == d ? 1 : self.sizes[i];
  return dispatch_storage(ctx, self.dtype, true, [&](auto tag) {
    using T = decltype(tag);
    using A = typename Acc<T>::type;
    const T* x = self.data_as<const T>();
    T* v = values.data_as<T>();
    int64_t* ix = indices.data_as<int64_t>();
    int64_t idx[kMaxTensorRank] = {};
    do {
      const int64_t i0 = offset_of(self, idx), v0 = offset_of(values, idx), x0 = offset_of(indices, idx);
      for (int64_t j = 0; j < n; j++) order[j] = j;
      // a before b: a is the larger (largest) or smaller one, NaN the largest; ties by index.
      auto before = [&](int64_t a, int64_t b) {
        const A va = ld(x, i0 + a * si), vb = ld(x, i0 + b * si);
        const bool na = va != va, nb = vb != vb;
        if (na || nb) {
          if (na && nb) return a < b;
          return largest ? na : nb;
        }
        if (va != vb) return largest ? va > vb : va < vb;
        return a < b;
      };
      std::partial_sort(order, order + k, order + n, before);
      for (int64_t j = 0; j < k; j++) {
        st(v, v0 + j * sv, ld(x, i0 + order[j] * si));
        ix[x0 + j * sx] = order[j];
      }
    } while (next_index(idx, sizes, self.dim));
  });
}

}  // namespace portable
}  // namespace etb
