// Tensor: the runtime's view of one tensor value. Metadata arrays (sizes,
// dim order, strides) live in the method allocator; data lives in a planned
// arena, in the program's constant bytes, or in caller memory for unplanned
// inputs and outputs. Kernels receive `const Tensor&` inputs and `Tensor&`
// outputs and resize outputs through resize() (never allocate).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/diag.h"
#include "runtime/scalar_type.h"
#include "runtime/span.h"

namespace etb {

constexpr int kMaxTensorRank = 16;

enum class Dynamism : uint8_t { Static = 0, DynamicBound = 1, DynamicUnbound = 2 };

class Tensor {
 public:
  ScalarType dtype = ScalarType::Float;
  int32_t dim = 0;
  int32_t* sizes = nullptr;      // logical sizes, `dim` entries
  uint8_t* dim_order = nullptr;  // physical order of dims, outermost first
  int64_t* strides = nullptr;    // in elements, derived from sizes + dim_order
  void* data = nullptr;          // may be null until an input/output is bound
  size_t capacity = 0;           // bytes usable at `data` (planned bound)
  Dynamism dynamism = Dynamism::Static;
  bool is_constant = false;      // data points into read-only program bytes
  bool is_planned = false;       // data lives in a planned arena (or copied in)

  int64_t numel() const;
  size_t nbytes() const { return size_t(numel()) * element_size(dtype); }
  template <typename T>
  T* data_as() const {
    return static_cast<T*>(data);
  }
  bool is_contiguous() const;  // dim_order == [0..dim-1]
  bool same_dim_order(const Tensor& other) const;
};

// Strides (in elements) for `sizes` laid out in `dim_order`.
void compute_strides(int32_t dim, const int32_t* sizes, const uint8_t* dim_order, int64_t* strides);

// True if dim_order is a permutation of 0..dim-1.
bool is_valid_dim_order(int32_t dim, const uint8_t* dim_order);

// Sets new logical sizes. Static tensors only accept their current sizes;
// dynamic-bound tensors accept any sizes of the same rank whose bytes fit the
// planned capacity. On failure names the tensor role in `what`.
Error resize(Tensor& t, Span<const int32_t> new_sizes, Diag* diag, const char* what);

// numel of `sizes`, or -1 on overflow past 2^62 or a negative size.
int64_t checked_numel(int32_t dim, const int32_t* sizes);

}  // namespace etb
