// Small tensors over caller arrays for the cortex_m kernel tests.
#pragma once
#include <stdint.h>

#include <initializer_list>

#include "runtime/evalue.h"
#include "runtime/kernel.h"
#include "runtime/tensor.h"

namespace etb {
namespace qtest {

constexpr uint8_t kNhwc[4] = {0, 2, 3, 1};

// A tensor view of `data` (not owned; must outlive this). dim_order null
// means contiguous.
struct TensorOf {
  Tensor t;
  int32_t sizes[4];
  uint8_t order[4];
  int64_t strides[4];
  TensorOf(ScalarType dtype, std::initializer_list<int32_t> s, void* data, const uint8_t* dim_order = nullptr) {
    const int dim = int(s.size());
    t.dtype = dtype;
    t.dim = dim;
    t.sizes = sizes;
    t.dim_order = order;
    t.strides = strides;
    for (int i = 0; i < dim; i++) {
      sizes[i] = s.begin()[i];
      order[i] = dim_order ? dim_order[i] : uint8_t(i);
    }
    compute_strides(dim, sizes, order, strides);
    t.data = data;
    t.capacity = size_t(t.numel()) * element_size(dtype);
  }
};

inline Span<const int64_t> list(const int64_t* v, size_t n) { return Span<const int64_t>(v, n); }

// Stride/dilation (1, 1) and padding (0, 0) for the 2-D window operators.
inline constexpr int64_t kOnes[2] = {1, 1};
inline constexpr int64_t kZeros[2] = {0, 0};

constexpr int32_t kHalf = 1 << 30;  // multiplier 0.5 in Q31

}  // namespace qtest
}  // namespace etb
