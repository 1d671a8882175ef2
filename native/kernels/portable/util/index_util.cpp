#include "kernels/portable/util/index_util.h"

namespace etb {
namespace portable {
namespace {

// Index tensors before broadcasting: a view (sizes, strides) of int64/int32 data.
struct RawIndex {
  int32_t self_dim;
  const void* data;
  ScalarType dtype;
  int32_t dim;
  int32_t sizes[kMaxTensorRank];
  int64_t strides[kMaxTensorRank];
};

// Writes the coordinates of mask's true elements (row-major order) as k
// contiguous int64 arrays of nnz entries each in temp memory.
Error mask_to_indices(KernelContext& ctx, const Tensor& mask, int32_t first_dim, RawIndex* out, int32_t* count) {
  const uint8_t* m = static_cast<const uint8_t*>(mask.data);
  int64_t n = mask.numel(), nnz = 0;
  int32_t coords[kMaxTensorRank] = {};
  for (int64_t i = 0; i < n; i++) {
    int64_t off = 0;
    for (int32_t d = 0; d < mask.dim; d++) off += coords[d] * mask.strides[d];
    nnz += m[off] != 0;
    for (int32_t d = mask.dim - 1; d >= 0 && ++coords[d] == mask.sizes[d]; d--) coords[d] = 0;
  }
  int64_t* buf = nnz == 0 ? nullptr : static_cast<int64_t*>(ctx.allocate_temp(size_t(nnz * mask.dim) * sizeof(int64_t), 8));
  if (nnz != 0 && buf == nullptr) {
    return ctx.fail(Error::MemoryAllocationFailed, "no temp memory for the %lld coordinates of a bool index",
                    static_cast<long long>(nnz));
  }
  int64_t j = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t off = 0;
    for (int32_t d = 0; d < mask.dim; d++) off += coords[d] * mask.strides[d];
    if (m[off] != 0) {
      for (int32_t d = 0; d < mask.dim; d++) buf[d * nnz + j] = coords[d];
      j++;
    }
    for (int32_t d = mask.dim - 1; d >= 0 && ++coords[d] == mask.sizes[d]; d--) coords[d] = 0;
  }
  for (int32_t d = 0; d < mask.dim; d++) {
    RawIndex& r = out[(*count)++];
    r.self_dim = first_dim + d;
    r.data = buf == nullptr ? nullptr : buf + d * nnz;
    r.dtype = ScalarType::Long;
    r.dim = 1;
    r.sizes[0] = int32_t(nnz);
    r.strides[0] = 1;
  }
  return Error::Ok;
}

}  // namespace

int32_t index_outer_dims(const IndexPlan& p) { return p.bstart + p.bdim; }

Error index_out_of_range(KernelContext& ctx, int64_t index, int32_t dim, int32_t size) {
  return ctx.fail(Error::InvalidArgument, "index %lld is out of bounds for dim %d with size %d",
                  static_cast<long long>(index), dim, size);
}

Error check_index_list(KernelContext& ctx, const Tensor& self, const ValueList& indices) {
  int32_t dims = 0;
  for (uint32_t i = 0; i < indices.size; i++) {
    const EValue* v = indices.items[i];
    if (v == nullptr || v->is_none()) {
      dims++;
      continue;
    }
    if (!v->is_tensor()) return ctx.fail(Error::InvalidProgram, "indices[%u] is neither a tensor nor None", i);
    ScalarType t = v->tensor().dtype;
    if (t != ScalarType::Long && t != ScalarType::Int && t != ScalarType::Bool && t != ScalarType::Byte) {
      return ctx.fail(Error::InvalidArgument, "indices[%u] is %s; indices must be int64, int32, bool or uint8", i,
                      scalar_type_name(t));
    }
    dims += t == ScalarType::Long || t == ScalarType::Int ? 1 : v->tensor().dim;
  }
  if (dims > self.dim && !(self.dim == 0 && dims <= 1)) {
    return ctx.fail(Error::InvalidArgument, "too many indices for a rank-%d tensor: %d were given", self.dim, dims);
  }
  return Error::Ok;
}

Error make_index_plan(KernelContext& ctx, const Tensor& base, const ValueList& indices, IndexPlan* p) {
  RawIndex raw[kMaxTensorRank];
  int32_t count = 0, sd = 0;
  if (int32_t(indices.size) > base.dim && !(base.dim == 0 && indices.size <= 1)) {
    return ctx.fail(Error::InvalidArgument, "too many indices (%u) for a rank-%d tensor", indices.size, base.dim);
  }
  for (uint32_t i = 0; i < indices.size; i++) {
    const EValue* v = indices.items[i];
    if (v == nullptr || v->is_none()) {
      sd++;
      continue;
    }
    if (!v->is_tensor()) return ctx.fail(Error::InvalidProgram, "indices[%u] is neither a tensor nor None", i);
    const Tensor& t = v->tensor();
    if (t.data == nullptr && t.numel() != 0) return ctx.fail(Error::InvalidState, "indices[%u] has no memory", i);
    if (t.dtype == ScalarType::Bool || t.dtype == ScalarType::Byte) {
      if (sd + t.dim > base.dim) return ctx.fail(Error::InvalidArgument, "too many indices for a rank-%d tensor", base.dim);
      for (int32_t d = 0; d < t.dim; d++) {
        if (t.sizes[d] != base.sizes[sd + d]) {
          return ctx.fail(Error::InvalidArgument, "the shape of the mask indices[%u] does not match the indexed tensor at dim %d (%d vs %d)",
                          i, sd + d, t.sizes[d], base.sizes[sd + d]);
        }
      }
      ETB_RETURN_IF_ERROR(mask_to_indices(ctx, t, sd, raw, &count));
      sd += t.dim;
    } else if (t.dtype == ScalarType::Long || t.dtype == ScalarType::Int) {
      if (sd >= base.dim && base.dim > 0) return ctx.fail(Error::InvalidArgument, "too many indices for a rank-%d tensor", base.dim);
      RawIndex& r = raw[count++];
      r.self_dim = sd++;
      r.data = t.data;
      r.dtype = t.dtype;
      r.dim = t.dim;
      for (int32_t d = 0; d < t.dim; d++) {
        r.sizes[d] = t.sizes[d];
        r.strides[d] = t.strides[d];
      }
    } else {
      return ctx.fail(Error::InvalidArgument, "indices[%u] is %s; indices must be int64, int32, bool or uint8", i,
                      scalar_type_name(t.dtype));
    }
  }
  // Broadcast the index shapes (right-aligned).
  int32_t bdim = 0, bsizes[kMaxTensorRank];
  for (int32_t k = 0; k < count; k++) bdim = raw[k].dim > bdim ? raw[k].dim : bdim;
  for (int32_t b = 0; b < bdim; b++) bsizes[b] = 1;
  for (int32_t k = 0; k < count; k++) {
    for (int32_t d = 0; d < raw[k].dim; d++) {
      int32_t b = bdim - raw[k].dim + d, s = raw[k].sizes[d];
      if (s != 1 && bsizes[b] != 1 && bsizes[b] != s) {
        return ctx.fail(Error::InvalidArgument, "shape mismatch: indices cannot be broadcast together (%d vs %d at dim %d)",
                        bsizes[b], s, b);
      }
      if (s != 1) bsizes[b] = s;
    }
  }
  int32_t base_dim = base.dim == 0 ? 0 : base.dim;
  int32_t rank = base_dim - (base.dim == 0 ? 0 : count) + bdim;
  if (rank > kMaxTensorRank) return ctx.fail(Error::InvalidArgument, "indexing result has rank %d", rank);
  bool adjacent = count == 0 || raw[count - 1].self_dim - raw[0].self_dim + 1 == count;
  // Result: [slice dims before] [broadcast] [slice dims after], or
  // [broadcast] [all slice dims] when the indexed dims are not adjacent.
  p->dim = 0;
  p->count = count;
  p->bdim = bdim;
  int32_t first_indexed = count == 0 ? 0 : raw[0].self_dim;
  auto push_slice = [&](int32_t d) {
    p->sizes[p->dim] = base.sizes[d];
    p->strides[p->dim] = base.strides[d];
    p->indexed[p->dim] = false;
    p->dim++;
  };
  auto is_indexed = [&](int32_t d) {
    for (int32_t k = 0; k < count; k++) {
      if (raw[k].self_dim == d) return true;
    }
    return false;
  };
  if (adjacent) {
    for (int32_t d = 0; d < first_indexed; d++) push_slice(d);
  }
  p->bstart = p->dim;
  for (int32_t b = 0; b < bdim; b++) {
    p->sizes[p->dim] = bsizes[b];
    p->strides[p->dim] = 0;
    p->indexed[p->dim] = true;
    p->dim++;
  }
  for (int32_t d = adjacent ? first_indexed : 0; d < base.dim; d++) {
    if (!is_indexed(d)) push_slice(d);
  }
  for (int32_t k = 0; k < count; k++) {
    IndexPlan::Entry& e = p->entries[k];
    const RawIndex& r = raw[k];
    e.self_dim = r.self_dim;
    e.size = base.dim == 0 ? 1 : base.sizes[r.self_dim];
    e.self_stride = base.dim == 0 ? 0 : base.strides[r.self_dim];
    e.data = r.data;
    e.dtype = r.dtype;
    for (int32_t b = 0; b < bdim; b++) {
      int32_t d = b - (bdim - r.dim);
      e.bstrides[b] = d < 0 || r.sizes[d] == 1 ? 0 : r.strides[d];
    }
  }
  return Error::Ok;
}

Error check_scatter_index(KernelContext& ctx, const Tensor& self, int64_t dim, const Tensor& index, const Tensor* src,
                          int32_t* d) {
  if (index.dtype != ScalarType::Long) {
    return ctx.fail(Error::InvalidArgument, "index is %s; it must be int64", scalar_type_name(index.dtype));
  }
  ETB_RETURN_IF_ERROR(wrap_dim(ctx, dim, self.dim, d));
  auto rank = [](const Tensor& t) { return t.dim == 0 ? 1 : t.dim; };
  auto size = [](const Tensor& t, int32_t k) { return t.dim == 0 ? 1 : t.sizes[k]; };
  if (rank(index) != rank(self) || (src != nullptr && rank(*src) != rank(index))) {
    return ctx.fail(Error::InvalidArgument, "index has rank %d but self has rank %d", index.dim, self.dim);
  }
  if (index.numel() == 0) return Error::Ok;
  for (int32_t k = 0; k < rank(index); k++) {
    if (k != *d && size(index, k) > size(self, k)) {
      return ctx.fail(Error::InvalidArgument, "index size %d at dim %d exceeds self's size %d", size(index, k), k,
                      size(self, k));
    }
    if (src != nullptr && size(index, k) > size(*src, k)) {
      return ctx.fail(Error::InvalidArgument, "index size %d at dim %d exceeds src's size %d", size(index, k), k,
                      size(*src, k));
    }
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
