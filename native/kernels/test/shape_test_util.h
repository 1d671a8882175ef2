// Test helpers of the shape/indexing kernels: tensors over caller arrays,
// tensor lists and a context with temp memory.
#pragma once
#include <string.h>

#include "kernels/generated/kernel_decls.h"
#include "runtime/memory.h"
#include "testing/minitest.h"

namespace shape_test {

using namespace etb;

struct T {
  Tensor t;
  int32_t sizes[kMaxTensorRank];
  uint8_t order[kMaxTensorRank];
  int64_t strides[kMaxTensorRank];
  EValue ev;
  T(ScalarType dtype, int dim, const int32_t* s, void* data, const uint8_t* o = nullptr, size_t capacity = 0) {
    t.dtype = dtype;
    t.dim = dim;
    t.sizes = sizes;
    t.dim_order = order;
    t.strides = strides;
    for (int i = 0; i < dim; i++) {
      sizes[i] = s[i];
      order[i] = o ? o[i] : uint8_t(i);
    }
    compute_strides(dim, sizes, order, strides);
    t.data = data;
    t.capacity = capacity ? capacity : size_t(t.numel()) * element_size(dtype);
    if (capacity) t.dynamism = Dynamism::DynamicBound;
    ev.tag = Tag::Tensor;
    ev.u.t = &t;
  }
};

// A Tensor[] / Tensor?[] of up to 8 items (null entries are None).
struct List {
  EValue none;
  EValue* items[8];
  ValueList list;
  List(std::initializer_list<T*> ts) {
    uint32_t n = 0;
    for (T* t : ts) items[n++] = t ? &t->ev : &none;
    list.items = items;
    list.size = n;
  }
};

struct Ctx {
  alignas(16) uint8_t temp_bytes[4096];
  MemoryAllocator temp{temp_bytes, sizeof(temp_bytes)};
  Diag diag;
  KernelContext ctx;
  explicit Ctx(const char* op) : ctx(op, &diag, &temp, nullptr) {}
};

inline Span<const int64_t> ints(std::initializer_list<int64_t> v) { return Span<const int64_t>(v.begin(), v.size()); }

inline Scalar int_scalar(int64_t v) {
  Scalar s;
  s.kind = Scalar::Kind::Int;
  s.i = v;
  return s;
}

inline Optional<int64_t> some(int64_t v) {
  Optional<int64_t> o;
  o.has_value = true;
  o.value = v;
  return o;
}

}  // namespace shape_test
