// aten::permute_copy.out (optimized), any dtype: out (default dim order) dim
// k is self dim dims[k]. Dims of size 1 are dropped and out dims that are
// also adjacent in self are merged, then: when out's innermost dim is also
// self's, contiguous runs are copied; otherwise the copy is a batch of 2-D
// transposes between out's innermost dim and self's (unit-stride) dim, done
// in 32x32 tiles so both sides stay in L1. A self with no unit-stride dim
// takes an element-by-element walk. Out in another dim order uses the
// portable kernel.
#include <string.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/pointwise.h"

namespace etb {
namespace optimized {
namespace {

constexpr int64_t kTile = 32;

struct Dim {
  int64_t size, is, os;  // size, self stride, out stride (elements)
};

struct Plan {
  Dim d[kMaxTensorRank];
  int32_t n = 0;
  int32_t out_sizes[kMaxTensorRank];
};

bool make_plan(const Tensor& self, Span<const int64_t> dims, const Tensor& out, Plan* p) {
  if (int32_t(dims.size()) != self.dim || out.dim != self.dim || self.dtype != out.dtype || !out.is_contiguous()) return false;
  const size_t es = element_size(self.dtype);
  if (es != 1 && es != 2 && es != 4 && es != 8) return false;
  uint32_t seen = 0;
  int64_t os[kMaxTensorRank];
  for (int32_t k = 0; k < self.dim; k++) {
    int64_t d = dims[size_t(k)];
    if (d < 0) d += self.dim;
    if (d < 0 || d >= self.dim || (seen & (1u << d))) return false;
    seen |= 1u << d;
    p->out_sizes[k] = self.sizes[d];
  }
  // Out's row-major strides for the permuted sizes.
  int64_t s = 1;
  for (int32_t k = self.dim - 1; k >= 0; k--) os[k] = s, s *= p->out_sizes[k];
  p->n = 0;
  for (int32_t k = 0; k < self.dim; k++) {
    int64_t d = dims[size_t(k)];
    if (d < 0) d += self.dim;
    const Dim cur{p->out_sizes[k], self.strides[d], os[k]};
    if (cur.size == 1) continue;
    Dim* prev = p->n > 0 ? &p->d[p->n - 1] : nullptr;
    if (prev != nullptr && prev->is == cur.is * cur.size) {
      prev->size *= cur.size;  // adjacent in both: one dim
      prev->is = cur.is;
      prev->os = cur.os;
    } else {
      p->d[p->n++] = cur;
    }
  }
  return true;
}

// Calls f(self_offset, out_offset) for every index of dims [0, n) except `skip_a`
// and `skip_b` (pass -1 for none).
template <typename F>
void for_outer(const Plan& p, int32_t n, int32_t skip_a, int32_t skip_b, F f) {
  int64_t idx[kMaxTensorRank] = {};
  int64_t io = 0, oo = 0;
  for (;;) {
    f(io, oo);
    int32_t k = n - 1;
    for (; k >= 0; k--) {
      if (k == skip_a || k == skip_b) continue;
      if (++idx[k] < p.d[k].size) {
        io += p.d[k].is, oo += p.d[k].os;
        break;
      }
      io -= p.d[k].is * (p.d[k].size - 1), oo -= p.d[k].os * (p.d[k].size - 1);
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

template <typename T>
void copy(const Plan& p, const T* x, T* y) {
  const int32_t n = p.n;
  if (n == 0) {
    y[0] = x[0];
    return;
  }
  const Dim& last = p.d[n - 1];
  if (last.is == 1) {
    for_outer(p, n - 1, -1, -1, [&](int64_t io, int64_t oo) { memcpy(y + oo, x + io, size_t(last.size) * sizeof(T)); });
    return;
  }
  int32_t a = -1;
  for (int32_t k = 0; k < n - 1; k++)
    if (p.d[k].is == 1) a = k;
  if (a < 0) {
    for_outer(p, n - 1, -1, -1, [&](int64_t io, int64_t oo) {
      for (int64_t j = 0; j < last.size; j++) y[oo + j] = x[io + j * last.is];
    });
    return;
  }
  // out[a * Oa + b] = self[a + b * Ib] over the (a, b) plane, in tiles.
  const int64_t A = p.d[a].size, B = last.size, Oa = p.d[a].os, Ib = last.is;
  for_outer(p, n - 1, a, -1, [&](int64_t io, int64_t oo) {
    for (int64_t a0 = 0; a0 < A; a0 += kTile) {
      const int64_t a1 = a0 + kTile < A ? a0 + kTile : A;
      for (int64_t b0 = 0; b0 < B; b0 += kTile) {
        const int64_t b1 = b0 + kTile < B ? b0 + kTile : B;
        for (int64_t i = a0; i < a1; i++) {
          const T* src = x + io + i;
          T* dst = y + oo + i * Oa;
          for (int64_t j = b0; j < b1; j++) dst[j] = src[j * Ib];
        }
      }
    }
  });
}

}  // namespace

Error opt_permute_copy_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> dims, Tensor& out) {
  Plan p;
  if (!make_plan(self, dims, out, &p)) {
    ETB_RETURN_IF_ERROR(portable::permute_copy_out_prepare(ctx, self, dims, out));  // names bad dims first
    return ctx.fail(Error::NotSupported, "handles an out in the default dim order only");
  }
  return portable::permute_copy_out_prepare(ctx, self, dims, out);
}

Error opt_permute_copy_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> dims, Tensor& out) {
  Plan p;
  if (!make_plan(self, dims, out, &p)) return portable::permute_copy_out(ctx, self, dims, out);
  ETB_RETURN_IF_ERROR(resize_to(ctx, out, p.out_sizes, self.dim));
  if (self.numel() == 0) return Error::Ok;
  switch (element_size(self.dtype)) {
    case 1: copy(p, static_cast<const uint8_t*>(self.data), static_cast<uint8_t*>(out.data)); break;
    case 2: copy(p, static_cast<const uint16_t*>(self.data), static_cast<uint16_t*>(out.data)); break;
    case 4: copy(p, static_cast<const uint32_t*>(self.data), static_cast<uint32_t*>(out.data)); break;
    default: copy(p, static_cast<const uint64_t*>(self.data), static_cast<uint64_t*>(out.data)); break;
  }
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb
