// Broadcasting for elementwise kernels: the broadcast shape of two tensors
// and an iterator over the output's elements in memory order that yields the
// matching element offsets of each input (inputs may have any dim order).
#pragma once
#include <stdint.h>

#include "runtime/kernel.h"
#include "runtime/tensor.h"

namespace etb {
namespace portable {

// Numpy-style broadcast of a and b into `sizes` (rank in *dim); fails with a
// message naming both shapes when they are incompatible.
Error broadcast_shape(KernelContext& ctx, const Tensor& a, const Tensor& b, int32_t* sizes, int32_t* dim);

// Walks `out` in its memory order. For each step, offset(k) is the element
// offset into input k (broadcast dims contribute 0).
class BroadcastIterator {
 public:
  static constexpr int kMaxInputs = 3;
  BroadcastIterator(const Tensor& out, const Tensor* const* inputs, int count);
  int64_t size() const { return numel_; }
  int64_t out_offset() const { return out_off_; }
  int64_t offset(int k) const { return off_[k]; }
  void next();

 private:
  int dim_ = 0;
  int count_ = 0;
  int64_t numel_ = 0;
  // Per physical dim of out (outermost first): size and strides.
  int64_t size_[kMaxTensorRank] = {};
  int64_t out_stride_[kMaxTensorRank] = {};
  int64_t in_stride_[kMaxInputs][kMaxTensorRank] = {};
  int64_t index_[kMaxTensorRank] = {};
  int64_t out_off_ = 0;
  int64_t off_[kMaxInputs] = {};
};

// True when `t` has exactly `out`'s sizes and dim order (no broadcasting).
bool same_layout(const Tensor& t, const Tensor& out);

}  // namespace portable
}  // namespace etb
