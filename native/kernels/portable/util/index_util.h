// Advanced indexing (ATen's `self[indices]` with a `Tensor?[]` list), shared
// by index.Tensor and index_put. Bool masks become one int64 index per masked
// dim (their nonzero coordinates, in temp memory); the index tensors
// broadcast together; their result dims replace the indexed dims in place
// when the indexed dims are adjacent, else they move to the front.
#pragma once
#include <stdint.h>

#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {

struct IndexPlan {
  struct Entry {
    int32_t self_dim;     // the dim of the addressed tensor this index selects in
    int32_t size;         // that dim's size (valid index range [-size, size))
    int64_t self_stride;  // that dim's stride
    const void* data;     // index values (int64 or int32)
    ScalarType dtype;
    int64_t bstrides[kMaxTensorRank];  // element strides over the broadcast dims
  };
  // The indexing result: sizes and, for slice dims, the addressed tensor's stride.
  int32_t dim = 0;
  int32_t sizes[kMaxTensorRank] = {};
  int64_t strides[kMaxTensorRank] = {};
  bool indexed[kMaxTensorRank] = {};  // result dim comes from the index broadcast
  int32_t bstart = 0, bdim = 0;        // broadcast dims are [bstart, bstart + bdim)
  int32_t count = 0;
  Entry entries[kMaxTensorRank];
};

// Load-time checks of a `Tensor?[]` index list against self: kinds, index
// dtypes and the number of dims indexed.
Error check_index_list(KernelContext& ctx, const Tensor& self, const ValueList& indices);

// Builds the plan for indexing a tensor of `base`'s sizes and strides.
Error make_index_plan(KernelContext& ctx, const Tensor& base, const ValueList& indices, IndexPlan* plan);

// Calls f(base_offset, result_offsets...) for every position of the result's
// leading dims up to the last broadcast dim; the caller copies the block of
// trailing slice dims [outer, dim) at each. `outer_dims` receives that count.
// Every index value is checked against its dim first.
template <typename F>
Error for_each_index(KernelContext& ctx, const IndexPlan& p, F&& f);

int32_t index_outer_dims(const IndexPlan& p);

Error index_out_of_range(KernelContext& ctx, int64_t index, int32_t dim, int32_t size);

template <typename F>
Error for_each_index(KernelContext& ctx, const IndexPlan& p, F&& f) {
  const int32_t outer = index_outer_dims(p);
  for (int32_t d = 0; d < p.dim; d++) {
    if (p.sizes[d] == 0) return Error::Ok;
  }
  int32_t coords[kMaxTensorRank] = {};
  while (true) {
    int64_t off = 0;
    for (int32_t d = 0; d < outer; d++) {
      if (!p.indexed[d]) off += coords[d] * p.strides[d];
    }
    for (int32_t k = 0; k < p.count; k++) {
      const IndexPlan::Entry& e = p.entries[k];
      int64_t at = 0;
      for (int32_t b = 0; b < p.bdim; b++) at += coords[p.bstart + b] * e.bstrides[b];
      int64_t v = load_index(e.data, e.dtype, at);
      if (v < -int64_t(e.size) || v >= e.size) return index_out_of_range(ctx, v, e.self_dim, e.size);
      off += (v < 0 ? v + e.size : v) * e.self_stride;
    }
    f(off, coords);
    int32_t d = outer - 1;
    for (; d >= 0; d--) {
      if (++coords[d] < p.sizes[d]) break;
      coords[d] = 0;
    }
    if (d < 0) return Error::Ok;
  }
}

// gather/scatter: index must be int64 with self's rank (0-d counting as
// rank 1), no larger than self outside `dim` and than *src (if given)
// anywhere. Writes the wrapped dim.
Error check_scatter_index(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index, const Tensor* src,
                          int32_t* d);

// Calls f(base_offset, index_offset, coords) for every element of index,
// where base_offset addresses base at coords with dim `d` replaced by the
// index value (checked to lie in [0, size)).
template <typename F>
Error for_each_scatter_index(KernelContext& ctx, const Tensor& base, int32_t d, const Tensor& index, F&& f) {
  const int64_t n = index.numel();
  const int32_t size = base.dim == 0 ? 1 : base.sizes[d];
  const int64_t stride = base.dim == 0 ? 0 : base.strides[d];
  int32_t coords[kMaxTensorRank] = {};
  for (int64_t i = 0; i < n; i++) {
    int64_t io = 0, off = 0;
    for (int32_t k = 0; k < index.dim; k++) {
      io += coords[k] * index.strides[k];
      if (k != d) off += coords[k] * base.strides[k];
    }
    int64_t v = load_index(index.data, index.dtype, io);
    if (v < 0 || v >= size) return index_out_of_range(ctx, v, d, size);
    f(off + v * stride, io, coords);
    for (int32_t k = index.dim - 1; k >= 0 && ++coords[k] == index.sizes[k]; k--) coords[k] = 0;
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
