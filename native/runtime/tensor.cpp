#include "runtime/tensor.h"

namespace etb {

int64_t checked_numel(int32_t dim, const int32_t* sizes) {
  int64_t n = 1;
  for (int32_t i = 0; i < dim; i++) {
    if (sizes[i] < 0) return -1;
    if (sizes[i] != 0 && n > (int64_t(1) << 62) / sizes[i]) return -1;
    n *= sizes[i];
  }
  return n;
}

int64_t Tensor::numel() const {
  int64_t n = 1;
  for (int32_t i = 0; i < dim; i++) n *= sizes[i];
  return n;
}

bool Tensor::is_contiguous() const {
  for (int32_t i = 0; i < dim; i++) {
    if (dim_order[i] != i) return false;
  }
  return true;
}

bool Tensor::same_dim_order(const Tensor& other) const {
  if (dim != other.dim) return false;
  for (int32_t i = 0; i < dim; i++) {
    if (dim_order[i] != other.dim_order[i]) return false;
  }
  return true;
}

void compute_strides(int32_t dim, const int32_t* sizes, const uint8_t* dim_order, int64_t* strides) {
  int64_t running = 1;
  for (int32_t i = dim - 1; i >= 0; i--) {
    strides[dim_order[i]] = running;
    running *= sizes[dim_order[i]];
  }
}

bool is_valid_dim_order(int32_t dim, const uint8_t* dim_order) {
  uint32_t seen = 0;
  for (int32_t i = 0; i < dim; i++) {
    if (dim_order[i] >= dim || (seen & (1u << dim_order[i]))) return false;
    seen |= 1u << dim_order[i];
  }
  return true;
}

Error resize(Tensor& t, Span<const int32_t> new_sizes, Diag* diag, const char* what) {
  if (int32_t(new_sizes.size()) != t.dim) {
    return fail(diag, Error::InvalidArgument, "%s: cannot resize a rank-%d tensor to rank %zu", what, t.dim,
                new_sizes.size());
  }
  bool same = true;
  for (int32_t i = 0; i < t.dim; i++) same = same && new_sizes[i] == t.sizes[i];
  if (same) return Error::Ok;
  if (t.dynamism == Dynamism::Static) {
    return fail(diag, Error::InvalidArgument, "%s: static tensor of shape [%s] cannot take a different shape",
                what, t.dim > 0 ? "..." : "");
  }
  int64_t n = checked_numel(t.dim, new_sizes.data());
  if (n < 0 || uint64_t(n) * element_size(t.dtype) > t.capacity) {
    return fail(diag, Error::InvalidArgument, "%s: new shape needs %lld elements, more than the planned %zu bytes hold",
                what, static_cast<long long>(n), t.capacity);
  }
  for (int32_t i = 0; i < t.dim; i++) t.sizes[i] = new_sizes[i];
  compute_strides(t.dim, t.sizes, t.dim_order, t.strides);
  return Error::Ok;
}

}  // namespace etb
