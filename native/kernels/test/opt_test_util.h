// Helpers for the optimized-kernel tests: owning float tensors, seeded data,
// a kernel context with real allocators, and tolerance checks against
// straightforward double-precision references written in the tests.
#pragma once
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <initializer_list>
#include <vector>

#include "kernels/optimized/util/cpu_features.h"
#include "runtime/kernel.h"
#include "runtime/memory.h"
#include "runtime/tensor.h"

namespace etb {
namespace opttest {

// A contiguous tensor that owns its data and metadata.
struct OwnedTensor {
  Tensor t;
  std::vector<float> data;
  std::vector<double> f64;
  int32_t sizes[kMaxTensorRank];
  uint8_t order[kMaxTensorRank];
  int64_t strides[kMaxTensorRank];
  OwnedTensor(std::initializer_list<int64_t> s, ScalarType dtype = ScalarType::Float) { init(s.begin(), s.size(), dtype); }
  OwnedTensor(const std::vector<int64_t>& s, ScalarType dtype = ScalarType::Float) { init(s.data(), s.size(), dtype); }
  OwnedTensor(const OwnedTensor&) = delete;
  void init(const int64_t* s, size_t dim, ScalarType dtype) {
    t.dtype = dtype;
    t.dim = int32_t(dim);
    t.sizes = sizes;
    t.dim_order = order;
    t.strides = strides;
    for (size_t i = 0; i < dim; i++) sizes[i] = int32_t(s[i]), order[i] = uint8_t(i);
    compute_strides(t.dim, sizes, order, strides);
    const size_t n = size_t(t.numel());
    if (dtype == ScalarType::Double) {
      f64.assign(n, 0.0);
      t.data = f64.data();
    } else {
      data.assign(n + 1, 0.0f);  // +1: a valid pointer for empty tensors
      t.data = data.data();
    }
    t.capacity = n * element_size(dtype);
  }
  float* f() { return data.data(); }
  size_t n() const { return size_t(t.numel()); }
  // Seeded values in [-1, 1).
  OwnedTensor& random(uint32_t seed) {
    uint32_t s = seed * 2654435761u + 12345u;
    for (size_t i = 0; i < n(); i++) {
      s = s * 1664525u + 1013904223u;
      data[i] = float((s >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
    return *this;
  }
  OwnedTensor& constant() {
    t.is_constant = true;
    return *this;
  }
};

// A kernel context with method (persistent) and temp allocators.
struct Ctx {
  std::vector<uint8_t> persistent, temp;
  MemoryAllocator method_alloc, temp_alloc;
  Diag diag;
  KernelContext ctx;
  explicit Ctx(int threads, size_t persistent_bytes = size_t(4) << 20, size_t temp_bytes = size_t(1) << 20)
      : persistent(persistent_bytes), temp(temp_bytes), method_alloc(persistent.data(), persistent.size()),
        temp_alloc(temp.data(), temp.size()), ctx("optimized-test", &diag, &temp_alloc, &method_alloc) {
    ctx.threads = threads;
  }
};

// |got - want| <= atol + rtol * scale for every element; prints the first miss.
inline bool close(const float* got, const std::vector<double>& want, double scale_per_elem, const char* what) {
  for (size_t i = 0; i < want.size(); i++) {
    const double tol = 1e-5 + 2e-6 * scale_per_elem;
    if (!(fabs(double(got[i]) - want[i]) <= tol * (1.0 + fabs(want[i])))) {
      printf("  %s: element %zu is %.9g, want %.9g\n", what, i, double(got[i]), want[i]);
      return false;
    }
  }
  return true;
}

inline bool same_bits(const float* a, const float* b, size_t n) { return memcmp(a, b, n * sizeof(float)) == 0; }

// Runs `body` once per instruction set this CPU can run (scalar always;
// AVX2+FMA and AVX-512 both on an AVX-512 CPU).
template <typename F>
void for_each_isa(F body) {
  using optimized::Isa;
  bool vector = false;
  for (Isa isa : {Isa::Scalar, Isa::Avx2Fma, Isa::Avx512, Isa::Neon}) {
    if (!optimized::isa_supported(isa)) continue;
    optimized::set_isa_override(isa);
    body(isa);
    vector = vector || isa != Isa::Scalar;
  }
  if (!vector) {
    static bool said = false;
    if (!said) printf("  note: this CPU has no vector micro-kernels (AVX2+FMA or NEON); only the scalar ones were tested\n");
    said = true;
  }
  optimized::clear_isa_override();
}

// Runs `body` once per int8 instruction set this CPU can run, forced (so
// qgemm_isa() reports it), printing once per run which sets the CPU lacks
// and so were not tested.
inline bool g_qisa_noted = false;  // one note per run, not per call (each lambda is its own instantiation)
template <typename F>
void for_each_qisa(F body) {
  using optimized::Isa;
  bool& said = g_qisa_noted;
  for (Isa isa : {Isa::Scalar, Isa::Avx2Fma, Isa::Neon, Isa::Avx512Vnni, Isa::NeonDot}) {
    if (!optimized::isa_supported(isa)) {
      if (!said) printf("  note: no %s on this CPU; its int8 kernels are not tested here\n", optimized::isa_name(isa));
      continue;
    }
    optimized::set_isa_override(isa);
    body(isa);
  }
  said = true;
  optimized::clear_isa_override();
}

}  // namespace opttest
}  // namespace etb
