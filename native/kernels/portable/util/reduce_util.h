// Reductions over a set of dims (sum, mean, amax, argmax, var, ...): the
// out shape (reduced dims kept as 1 or dropped) and a walk that visits, for
// each out element, every input element reduced into it, in logical
// row-major order of the reduced dims. Any dim order on either side.
#pragma once
#include <stdint.h>

#include "runtime/evalue.h"
#include "runtime/kernel.h"
#include "runtime/tensor.h"

namespace etb {
namespace portable {

struct ReducePlan {
  int32_t kept = 0, reduced = 0;
  int32_t kept_sizes[kMaxTensorRank] = {}, red_sizes[kMaxTensorRank] = {};
  int64_t kept_in[kMaxTensorRank] = {}, red_in[kMaxTensorRank] = {};  // input strides
  int64_t kept_out[kMaxTensorRank] = {};                                 // out strides
  int32_t out_dim = 0;
  int32_t out_sizes[kMaxTensorRank] = {};
  int64_t count = 1;  // elements reduced into each out element
  bool reduce[kMaxTensorRank] = {};
};

// Plans a reduction of `self` over `dims` (null or empty: every dim, when
// `empty_is_all`; a 0-d self takes dim 0 or -1). Fails naming a bad or
// repeated dim.
Error plan_reduce(KernelContext& ctx, const Tensor& self, const Span<const int64_t>* dims, bool keepdim,
                  bool empty_is_all, ReducePlan* p);

// Fills in the out strides once out has been resized to p->out_sizes.
void bind_reduce_out(ReducePlan* p, const Tensor& out);

// Calls f(out_offset, in_offsets_begin) for each out element, where g is then
// called by the visitor for each reduced input offset: visit(out_off, each)
// with each(in_off) over the reduced elements in order.
template <typename F>
void for_each_reduction(const ReducePlan& p, F f) {
  int64_t ki[kMaxTensorRank] = {};
  int64_t total = 1;
  for (int32_t k = 0; k < p.kept; k++) total *= p.kept_sizes[k];
  if (total == 0) return;
  do {
    int64_t in0 = 0, o = 0;
    for (int32_t k = 0; k < p.kept; k++) {
      in0 += ki[k] * p.kept_in[k];
      o += ki[k] * p.kept_out[k];
    }
    f(o, in0);
  } while ([&] {
    for (int32_t k = p.kept - 1; k >= 0; k--) {
      if (++ki[k] < p.kept_sizes[k]) return true;
      ki[k] = 0;
    }
    return false;
  }());
}

// Calls g(in_offset) for every reduced element of the out element whose
// first input offset is in0, in row-major order of the reduced dims.
template <typename G>
void for_each_reduced(const ReducePlan& p, int64_t in0, G g) {
  if (p.count == 0) return;
  int64_t ri[kMaxTensorRank] = {};
  int64_t off = in0;
  for (;;) {
    g(off);
    int32_t k = p.reduced - 1;
    for (; k >= 0; k--) {
      off += p.red_in[k];
      if (++ri[k] < p.red_sizes[k]) break;
      off -= ri[k] * p.red_in[k];
      ri[k] = 0;
    }
    if (k < 0) return;
  }
}

}  // namespace portable
}  // namespace etb

namespace etb {
namespace portable {

// Shared body of amax/amin (`max` picks which): out holds the extreme of
// each reduction (dim [] = every dim), same dtype as self; NaN propagates;
// integers and bool compare exactly. An empty reduction is an error.
Error extreme_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> dim, bool keepdim, Tensor& out, bool max);
Error extreme_check(KernelContext& ctx, const Tensor& self, Span<const int64_t> dim, bool keepdim, const Tensor& out);

// Shared body of argmax/argmin: the int64 index (along dim, or into the
// flattened self when dim is None) of the first extreme; NaN counts as the
// extreme (its first occurrence). An empty reduction is an error.
Error arg_extreme_out(KernelContext& ctx, const Tensor& self, const Optional<int64_t>& dim, bool keepdim, Tensor& out,
                      bool max);
Error arg_extreme_check(KernelContext& ctx, const Tensor& self, const Optional<int64_t>& dim, bool keepdim,
                        const Tensor& out);

}  // namespace portable
}  // namespace etb
